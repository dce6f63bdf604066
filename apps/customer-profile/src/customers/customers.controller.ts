import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CreateCustomerRequest, type CustomerView } from '@rapport/contracts';
import { maskEmail, maskPhone } from '@rapport/platform-auth';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { CustomerEntity } from './customer.entity';
import { CustomersService } from './customers.service';

/**
 * Internal API, reached through the gateway only. The same rules as the gateway's apply here
 * (defence in depth): scopes, row-level visibility and PII masking.
 */
@Controller('internal/v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @HttpCode(201)
  @CallerScopes('customers:write')
  async create(@Body() body: CreateCustomerRequest, @Caller() caller: CallerIdentity): Promise<CustomerView> {
    return toView(await this.customers.create(body, caller), caller);
  }

  @Get(':id')
  @CallerScopes('customers:read')
  async get(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: CallerIdentity): Promise<CustomerView> {
    return toView(await this.customers.get(id, caller), caller);
  }
}

/** Without pii:read, phones and emails leave masked (138****1234, a***@example.com). */
function toView(customer: CustomerEntity, caller: CallerIdentity): CustomerView {
  const pii = caller.scopes.includes('pii:read');
  return {
    id: customer.id,
    kind: customer.kind,
    name: customer.name,
    email: customer.email && !pii ? maskEmail(customer.email) : customer.email,
    phone: customer.phone && !pii ? maskPhone(customer.phone) : customer.phone,
    sourceChannel: customer.sourceChannel,
    ownerId: customer.ownerId,
    team: customer.team,
    createdAt: customer.createdAt.toISOString(),
    updatedAt: customer.updatedAt.toISOString(),
    version: customer.version,
  };
}
