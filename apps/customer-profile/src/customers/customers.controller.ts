import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Caller, type CallerIdentity } from '@rapport/platform-runtime';
import { CustomersService } from './customers.service';
import { CreateCustomerRequest, type CustomerView } from '@rapport/contracts';
import type { CustomerEntity } from './customer.entity';

/** Internal API, reached through the gateway only. */
@Controller('internal/v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: CreateCustomerRequest, @Caller() caller: CallerIdentity) {
    return toView(await this.customers.create(body, caller));
  }

  @Get(':id')
  async get(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string) {
    return toView(await this.customers.get(id));
  }
}

function toView(customer: CustomerEntity): CustomerView {
  return {
    id: customer.id,
    kind: customer.kind,
    name: customer.name,
    email: customer.email,
    phone: customer.phone,
    sourceChannel: customer.sourceChannel,
    ownerId: customer.ownerId,
    createdAt: customer.createdAt.toISOString(),
    updatedAt: customer.updatedAt.toISOString(),
    version: customer.version,
  };
}
