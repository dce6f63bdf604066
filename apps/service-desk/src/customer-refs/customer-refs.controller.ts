import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ProblemException } from '@rapport/platform-http';
import { CallerScopes } from '@rapport/platform-runtime';
import { CustomerRefsRepository } from './customer-refs.repository';

@CallerScopes('tickets:read')
@Controller('internal/v1/customer-refs')
export class CustomerRefsController {
  constructor(private readonly repository: CustomerRefsRepository) {}

  @Get(':customerId')
  async get(@Param('customerId', new ParseUUIDPipe()) customerId: string) {
    const found = await this.repository.find(customerId);
    if (!found) throw new ProblemException('notFound', `Customer ${customerId} is not known to service-desk`);
    return found;
  }
}
