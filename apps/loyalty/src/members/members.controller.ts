import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ProblemException } from '@rapport/platform-http';
import { CallerScopes } from '@rapport/platform-runtime';
import { MembersRepository } from './members.repository';

@CallerScopes('loyalty:read')
@Controller('internal/v1/members')
export class MembersController {
  constructor(private readonly repository: MembersRepository) {}

  @Get(':customerId')
  async get(@Param('customerId', new ParseUUIDPipe()) customerId: string) {
    const found = await this.repository.find(customerId);
    if (!found) throw new ProblemException('notFound', `Customer ${customerId} is not known to loyalty`);
    return found;
  }
}
