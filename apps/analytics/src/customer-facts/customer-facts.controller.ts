import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ProblemException } from '@rapport/platform-http';
import { CallerScopes } from '@rapport/platform-runtime';
import { CustomerFactsRepository } from './customer-facts.repository';

@Controller('internal/v1/customers')
@CallerScopes('analytics:read')
export class CustomerFactsController {
  constructor(private readonly facts: CustomerFactsRepository) {}

  @Get('count')
  async count() {
    return { count: await this.facts.count() };
  }

  @Get(':customerId')
  async get(@Param('customerId', new ParseUUIDPipe()) customerId: string) {
    const fact = await this.facts.find(customerId);
    if (!fact) throw new ProblemException('notFound', `Analytics has no data on customer ${customerId}`);
    return fact;
  }
}
