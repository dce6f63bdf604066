import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { CallerScopes } from '@rapport/platform-runtime';
import { RfmService } from './rfm.service';

@CallerScopes('analytics:read')
@Controller('internal/v1/scores')
export class RfmController {
  constructor(private readonly service: RfmService) {}

  /** A customer's RFM scores and value tier, with the inputs, cut points and run they came from. */
  @Get(':customerId')
  async get(@Param('customerId', new ParseUUIDPipe()) customerId: string) {
    return this.service.view(customerId);
  }
}
