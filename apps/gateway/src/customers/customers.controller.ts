import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CreateCustomerRequest, CustomerView } from '@rapport/contracts';
import type { CallerIdentity } from '@rapport/platform-runtime';
import type { Request, Response } from 'express';
import { PublicCaller } from '../auth/caller';
import { ApiProblems } from '../openapi-problems';
import { relay } from '../upstream/relay-response';
import { UpstreamClient } from '../upstream/upstream.client';

@ApiTags('customers')
@Controller('api/v1/customers')
export class CustomersController {
  constructor(private readonly upstream: UpstreamClient) {}

  @Post()
  @ApiCreatedResponse({ type: CustomerView, description: 'The customer was created' })
  @ApiProblems(400, 413, 502, 504)
  async create(
    @Body() body: CreateCustomerRequest,
    @PublicCaller() caller: CallerIdentity,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    relay(
      response,
      await this.upstream.call('customer-profile', 'POST', '/internal/v1/customers', {
        identity: caller,
        requestId: request.requestId,
        body,
      }),
    );
  }

  @Get(':id')
  @ApiOkResponse({ type: CustomerView })
  @ApiProblems(400, 404, 502, 504)
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @PublicCaller() caller: CallerIdentity,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    relay(
      response,
      await this.upstream.call('customer-profile', 'GET', `/internal/v1/customers/${id}`, {
        identity: caller,
        requestId: request.requestId,
      }),
    );
  }
}
