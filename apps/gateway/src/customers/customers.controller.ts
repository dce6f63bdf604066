import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CreateCustomerRequest, CustomerView } from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy } from '../upstream/api-proxy';

export const IDEMPOTENCY_HEADER_DOC = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Retrying with the same key and body returns the first answer without a second effect; a different body gets 422.',
};

@ApiTags('customers')
@Controller('api/v1/customers')
export class CustomersController {
  constructor(private readonly proxy: ApiProxy) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('customers:write')
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: CustomerView, description: 'The customer was created' })
  @ApiProblems(400, 401, 403, 409, 413, 422, 429, 502, 504)
  async create(@Body() body: CreateCustomerRequest, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'POST',
      path: '/internal/v1/customers',
      body,
      audit: { action: 'customer.create', resourceType: 'customer', change: true, resourceId: (r) => (r.body as { id?: string })?.id },
    });
  }

  @Get(':id')
  @RequireScopes('customers:read')
  @ApiOkResponse({ type: CustomerView, description: 'Phones and emails are masked without the pii:read scope' })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async get(@Param('id', new ParseUUIDPipe()) id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'GET',
      path: `/internal/v1/customers/${id}`,
      audit: { action: 'customer.read', resourceType: 'customer', change: false, resourceId: () => id },
    });
  }
}
