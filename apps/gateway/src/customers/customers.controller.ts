import { versionFromIfMatch } from '@rapport/platform-http';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  CreateCustomerQuery,
  CreateCustomerRequest,
  CustomerPage,
  CustomerSearchPage,
  CustomerView,
  DuplicatePairList,
  DuplicatesQuery,
  ListCustomersQuery,
  MergeCustomersRequest,
  SearchCustomersQuery,
  UpdateCustomerRequest,
} from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { ErasureView } from '../erasures/erasure.dto';
import { IDEMPOTENCY_HEADER_DOC } from '../idempotency/idempotency.docs';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { answerId, ApiProxy, itemIds } from '../upstream/api-proxy';
import { relay } from '../upstream/relay-response';
import { SubjectAccessExport } from './customer-export.dto';
import { CustomerExportService, ExportRefused } from './customer-export.service';
import { toQueryString } from './query-string';

const UPSTREAM = 'customer-profile';

@ApiTags('customers')
@Controller('api/v1/customers')
export class CustomersController {
  constructor(
    private readonly proxy: ApiProxy,
    private readonly exports: CustomerExportService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('customers:write')
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: CustomerView, description: 'The customer was created' })
  @ApiProblems(400, 401, 403, 409, 413, 422, 429, 502, 504)
  async create(
    @Body() body: CreateCustomerRequest,
    @Query() query: CreateCustomerQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: `/internal/v1/customers${toQueryString(query)}`,
      body,
      audit: {
        action: 'customer.create',
        resourceType: 'customer',
        change: true,
        resourceId: answerId,
      },
    });
  }

  @Get()
  @RequireScopes('customers:read')
  @ApiOkResponse({
    type: CustomerPage,
    description: 'Keyset-paged; only the customers the caller may see; PII masked without pii:read',
  })
  @ApiProblems(400, 401, 403, 429, 502, 504)
  async list(@Query() query: ListCustomersQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/customers${toQueryString(query)}`,
      audit: { action: 'customer.list', resourceType: 'customer', change: false, subjects: itemIds },
    });
  }

  @Get('search')
  @RequireScopes('customers:read')
  @ApiOkResponse({
    type: CustomerSearchPage,
    description: 'Ranked hits (prefix, substring, fuzzy); only customers the caller may see',
  })
  @ApiProblems(400, 401, 403, 429, 502, 504)
  async search(
    @Query() query: SearchCustomersQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/customer-search${toQueryString(query)}`,
      audit: { action: 'customer.search', resourceType: 'customer', change: false, subjects: itemIds },
    });
  }

  @Get('duplicates')
  @RequireScopes('customers:read')
  @ApiOkResponse({
    type: DuplicatePairList,
    description: 'Likely duplicates to review (pairs whose both customers the caller may see), newest first',
  })
  @ApiProblems(400, 401, 403, 429, 502, 504)
  async duplicates(@Query() query: DuplicatesQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/customer-duplicates${toQueryString(query)}`,
    });
  }

  @Get(':id')
  @RequireScopes('customers:read')
  @ApiOkResponse({
    type: CustomerView,
    description: 'Phones, emails, streets and identifiers are masked without the pii:read scope',
  })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/customers/${id}`,
      audit: {
        action: 'customer.read',
        resourceType: 'customer',
        change: false,
        resourceId: () => id,
        // A merged id reads its survivor: whose data it handed out.
        subjects: (r) => [answerId(r)],
      },
    });
  }

  @Patch(':id')
  @RequireScopes('customers:write')
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The version read ("3"); a stale one gets 412. Alternative: version in the body',
  })
  @ApiOkResponse({ type: CustomerView, description: 'The customer after the change' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 429, 502, 504)
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateCustomerRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const version = versionFromIfMatch(request.header('if-match'), body.version);
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'PATCH',
      path: `/internal/v1/customers/${id}`,
      body: { ...body, ...(version !== undefined ? { version } : {}) },
      audit: { action: 'customer.update', resourceType: 'customer', change: true, resourceId: () => id },
    });
  }

  @Post(':id/merge')
  @HttpCode(200)
  @RequireScopes('customers:write')
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiOkResponse({
    type: CustomerView,
    description: 'The survivor after the merge; customer.merged published; reads of sourceId now return the survivor',
  })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429, 502, 504)
  async merge(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: MergeCustomersRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: `/internal/v1/customers/${id}/merge`,
      body,
      audit: {
        action: 'customer.merge',
        resourceType: 'customer',
        change: true,
        resourceId: () => id,
        subjects: () => [body.sourceId],
      },
    });
  }

  @Delete(':id')
  @HttpCode(202)
  @RequireScopes('customers:write')
  @ApiAcceptedResponse({
    type: ErasureView,
    headers: {
      Location: { description: 'The erasure request: /api/v1/erasures/{erasureId}', schema: { type: 'string' } },
    },
    description:
      "Erasure requested: customer-profile's part is done (personal data removed, later reads answer 404), customer.erased published, " +
      "the gateway's stored idempotent replies that carried the customer removed. The other services erase their parts and acknowledge; " +
      'follow the request at Location (GET /api/v1/erasures/{id}) and fetch its signed receipt when complete',
  })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async erase(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'DELETE',
      path: `/internal/v1/customers/${id}`,
      audit: { action: 'customer.erase', resourceType: 'customer', change: true, resourceId: () => id },
      // A stored reply (a create's is the whole record) would hand the erased data out again on a retry.
      afterSuccess: async () => {
        await this.idempotency.forgetCustomer(id);
      },
    });
  }

  @Get(':id/export')
  @RequireScopes('customers:read', 'pii:read')
  @ApiOkResponse({
    type: SubjectAccessExport,
    description:
      'Subject access: everything every participating service holds on the customer, unmasked, each part stamped with the service and the time it read it. ' +
      'All or nothing: a service that fails or is late fails the export (503 or 504 naming it in `service`)',
  })
  @ApiProblems(400, 401, 403, 404, 429, 502, 503, 504)
  async export(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const result = await this.exports.compose(id, request.identity!, request.requestId);
    if (result instanceof ExportRefused) {
      relay(response, result.answer);
      return;
    }
    // Sent as it is read back from the spool: the gateway never holds the whole document.
    response.status(200).type('application/json');
    await result.send(response);
    response.end();
  }
}
