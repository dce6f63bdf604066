import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { CallerScopes } from '@rapport/platform-runtime';
import { CustomerFactsService } from './customer-facts.service';

@CallerScopes('analytics:read')
@Controller('internal/v1/customers')
export class CustomerFactsController {
  constructor(private readonly service: CustomerFactsService) {}

  @Get('count')
  async count() {
    return { count: await this.service.count() };
  }

  @Get(':customerId')
  async get(@Param('customerId', new ParseUUIDPipe()) customerId: string) {
    return this.service.get(customerId);
  }
}
