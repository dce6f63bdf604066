import { Controller, Get, Query } from '@nestjs/common';
import { KpisQuery, type KpisView } from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import { KpisService } from './kpis.service';

/** Internal API, reached through the gateway only. */
@Controller('internal/v1/kpis')
export class KpisController {
  constructor(private readonly kpis: KpisService) {}

  @Get()
  @CallerScopes('analytics:read')
  async get(@Query() query: KpisQuery, @Caller() caller: CallerIdentity): Promise<KpisView> {
    return this.kpis.series(query, caller);
  }
}
