import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ImportList, ImportView } from '@rapport/contracts';
import { ProblemException } from '@rapport/platform-http';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { CreateImportQuery } from './import-query.dto';
import { ApiProxy } from '../upstream/api-proxy';
import { RawUpstream } from './raw-upstream';

const IMPORT_TYPES = ['text/csv', 'application/x-ndjson', 'application/jsonl'];

/**
 * Bulk import and CSV export of customers. Registered before the customers module, so that
 * `customers/export.csv` is not read as a customer id.
 */
@ApiTags('imports')
@Controller('api/v1')
export class ImportsController {
  constructor(
    private readonly proxy: ApiProxy,
    private readonly raw: RawUpstream,
  ) {}

  @Post('imports')
  @HttpCode(201)
  @RequireScopes('customers:write')
  @ApiConsumes('text/csv', 'application/x-ndjson')
  @ApiBody({
    description:
      'Customers (type=customers): CSV with a header row (name, kind, email, phone, sourceChannel, tags separated by ;) or one JSON object per line. ' +
      'Purchases (type=purchases): CSV with one row per order line, or one purchase per JSON line (see the type parameter)',
    // The schema of each media type (what a body needs to hold a row) is set in openapi.ts: IMPORT_BODY_SCHEMAS.
    schema: { type: 'string', example: 'name,email,phone\n王小明,xiaoming@example.com,+8613800138000\n' },
  })
  @ApiCreatedResponse({
    type: ImportView,
    description:
      'The import ran: rows imported, rows failed with a per-row error report (purchases: rows of orders already recorded are skipped, rowsSkipped)',
  })
  @ApiProblems(400, 401, 403, 415, 422, 429, 502, 504)
  async create(@Query() query: CreateImportQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    const mediaType = (request.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!IMPORT_TYPES.includes(mediaType)) {
      throw new ProblemException('unsupportedMediaType', 'An import is text/csv or application/x-ndjson');
    }
    // An empty body is no import (it would complete with nothing in it): the document says minLength 1.
    if (
      request.header('content-length') === '0' ||
      (request.header('content-length') === undefined && request.header('transfer-encoding') === undefined)
    ) {
      throw new ProblemException('validation', 'The import is empty: send a CSV with a header row, or JSON lines', {
        errors: [{ field: 'body', message: 'must not be empty' }],
      });
    }
    const type = query.type ?? 'customers';
    if (type === 'purchases' && !request.identity!.scopes.includes('purchases:write')) {
      throw new ProblemException('forbidden', 'Importing purchases needs the scope purchases:write');
    }
    await this.raw.stream(request, response, {
      method: 'POST',
      path: `/internal/v1/imports?${new URLSearchParams({ type })}`,
      audit: {
        action: type === 'purchases' ? 'purchase.import' : 'customer.import',
        resourceType: 'customer',
        change: true,
      },
    });
  }

  @Get('imports')
  @RequireScopes('customers:read')
  @ApiOkResponse({
    type: ImportList,
    description: 'Your recent imports, running ones included (all imports for an admin)',
  })
  @ApiProblems(401, 403, 429, 502, 504)
  async list(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'GET',
      path: '/internal/v1/imports',
    });
  }

  @Get('imports/:id')
  @RequireScopes('customers:read')
  @ApiOkResponse({
    type: ImportView,
    description: 'Progress (rows done / total / failed) and the per-row error report',
  })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'GET',
      path: `/internal/v1/imports/${id}`,
    });
  }

  @Get('customers/export.csv')
  @RequireScopes('customers:read')
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description:
      'Streamed CSV (UTF-8 with BOM) of the customers you may see; phones and emails masked without pii:read',
    schema: { type: 'string' },
  })
  @ApiProblems(401, 403, 429, 502, 504)
  async exportCsv(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.raw.stream(request, response, {
      method: 'GET',
      path: '/internal/v1/customers/export.csv',
      // Audited with the id of every customer the CSV handed out unmasked.
      audit: { action: 'customer.export', resourceType: 'customer', change: false },
    });
  }
}
