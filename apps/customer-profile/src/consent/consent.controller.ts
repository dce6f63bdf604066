import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { RecordConsentRequest, type ConsentOverview, type ConsentView } from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import { ConsentService } from './consent.service';

@Controller('internal/v1/customers/:id/consents')
export class ConsentController {
  constructor(private readonly consents: ConsentService) {}

  @Post()
  @HttpCode(201)
  @CallerScopes('customers:write')
  async record(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RecordConsentRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<ConsentView> {
    return (await this.consents.record(id, body, caller)).record;
  }

  @Get()
  @CallerScopes('customers:read')
  overview(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: CallerIdentity): Promise<ConsentOverview> {
    return this.consents.overview(id, caller);
  }
}
