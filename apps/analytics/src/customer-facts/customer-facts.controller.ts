import { Controller, Get } from '@nestjs/common';
import { CustomerFactsRepository } from './customer-facts.repository';

@Controller('internal/v1/customers')
export class CustomerFactsController {
  constructor(private readonly facts: CustomerFactsRepository) {}

  @Get('count')
  async count() {
    return { count: await this.facts.count() };
  }
}
