import { Controller, Get, Query } from '@nestjs/common';
import { ServiceDeskStatsQuery, type ServiceDeskStatsView } from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import { StatsService } from './stats.service';

/** Internal API, reached through the gateway only: a team's service figures. */
@Controller('internal/v1/stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  @CallerScopes('tickets:read')
  async get(@Query() query: ServiceDeskStatsQuery, @Caller() caller: CallerIdentity): Promise<ServiceDeskStatsView> {
    return this.stats.teamStats(query, caller);
  }
}
