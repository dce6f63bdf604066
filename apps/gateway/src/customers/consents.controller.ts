import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ConsentOverview, ConsentView, RecordConsentRequest } from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy } from '../upstream/api-proxy';
import { IDEMPOTENCY_HEADER_DOC } from '../idempotency/idempotency.docs';

@ApiTags('customers')
@Controller('api/v1/customers/:id/consents')
export class ConsentsController {
  constructor(private readonly proxy: ApiProxy) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('customers:write')
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({
    type: ConsentView,
    description: 'The grant or withdrawal was recorded; consent.changed published when the state changed',
  })
  @ApiProblems(400, 401, 403, 404, 422, 429, 502, 504)
  async record(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RecordConsentRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'POST',
      path: `/internal/v1/customers/${id}/consents`,
      body,
      audit: { action: 'customer.consent.record', resourceType: 'customer', change: true, resourceId: () => id },
    });
  }

  @Get()
  @RequireScopes('customers:read')
  @ApiOkResponse({
    type: ConsentOverview,
    description: 'Current consent per channel and purpose, and the full history',
  })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async overview(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'GET',
      path: `/internal/v1/customers/${id}/consents`,
    });
  }
}
