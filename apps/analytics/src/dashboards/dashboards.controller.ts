import { Controller, Get, Query } from '@nestjs/common';
import {
  ExecutiveDashboardQuery,
  ManagerDashboardQuery,
  type AgentDashboardView,
  type ExecutiveDashboardView,
  type ManagerDashboardView,
} from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import { DashboardsService } from './dashboards.service';

/** Internal API, reached through the gateway only; roles and teams are checked by the service. */
@Controller('internal/v1/dashboards')
export class DashboardsController {
  constructor(private readonly dashboards: DashboardsService) {}

  @Get('executive')
  @CallerScopes('analytics:read')
  async executive(
    @Query() query: ExecutiveDashboardQuery,
    @Caller() caller: CallerIdentity,
  ): Promise<ExecutiveDashboardView> {
    return this.dashboards.executive(query, caller);
  }

  @Get('manager')
  @CallerScopes('analytics:read')
  async manager(
    @Query() query: ManagerDashboardQuery,
    @Caller() caller: CallerIdentity,
  ): Promise<ManagerDashboardView> {
    return this.dashboards.manager(query, caller);
  }

  /**
   * Agents hold no analytics:read (their role's scopes): their worklist needs what they already read
   * elsewhere, their follow-ups (interactions:read); it shows only the caller's own rows.
   */
  @Get('agent')
  @CallerScopes('interactions:read')
  async agent(@Caller() caller: CallerIdentity): Promise<AgentDashboardView> {
    return this.dashboards.agent(caller);
  }
}
