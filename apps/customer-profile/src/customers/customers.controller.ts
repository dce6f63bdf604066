import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import {
  CreateCustomerQuery,
  CreateCustomerRequest,
  ListCustomersQuery,
  MergeCustomersRequest,
  UpdateCustomerRequest,
  type CustomerPage,
  type CustomerView,
} from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { Response } from 'express';
import { ErasuresService, type ErasureView } from '../erasures/erasures.service';
import { toCustomerView } from './customer.view';
import { CustomersService } from './customers.service';

/**
 * Internal API, reached through the gateway only. The same rules as the gateway's apply here
 * (defence in depth): scopes, row-level visibility and PII masking.
 */
@Controller('internal/v1/customers')
export class CustomersController {
  constructor(
    private readonly customers: CustomersService,
    private readonly erasures: ErasuresService,
  ) {}

  @Post()
  @HttpCode(201)
  @CallerScopes('customers:write')
  async create(
    @Body() body: CreateCustomerRequest,
    @Query() query: CreateCustomerQuery,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CustomerView> {
    return withEtag(
      response,
      toCustomerView(await this.customers.create(body, caller, query.force === 'true'), caller),
    );
  }

  @Get()
  @CallerScopes('customers:read')
  async list(@Query() query: ListCustomersQuery, @Caller() caller: CallerIdentity): Promise<CustomerPage> {
    const page = await this.customers.list(query, caller);
    return { items: page.items.map((c) => toCustomerView(c, caller)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @CallerScopes('customers:read')
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CustomerView> {
    return withEtag(response, toCustomerView(await this.customers.get(id, caller), caller));
  }

  @Patch(':id')
  @CallerScopes('customers:write')
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateCustomerRequest,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CustomerView> {
    return withEtag(response, toCustomerView(await this.customers.update(id, body, caller), caller));
  }

  @Post(':id/merge')
  @HttpCode(200)
  @CallerScopes('customers:write')
  async merge(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: MergeCustomersRequest,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CustomerView> {
    return withEtag(response, toCustomerView(await this.customers.merge(id, body.sourceId, caller), caller));
  }

  /**
   * Erasure: customer-profile's part is done when this answers; the request stays open until every
   * participating service has acknowledged (GET /internal/v1/erasures/{id}), hence 202.
   */
  @Delete(':id')
  @HttpCode(202)
  @CallerScopes('customers:write')
  async erase(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ErasureView> {
    const erasureId = await this.customers.erase(id, caller);
    response.setHeader('Location', `/internal/v1/erasures/${erasureId}`);
    return this.erasures.get(erasureId, caller);
  }
}

function withEtag(response: Response, view: CustomerView): CustomerView {
  response.setHeader('ETag', `"${view.version}"`);
  return view;
}
