import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AgentDashboardView,
  ExecutiveDashboardQuery,
  ExecutiveDashboardView,
  KpisQuery,
  KpisView,
  ManagerDashboardQuery,
  ManagerDashboardView,
} from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy, type UpstreamForwarder } from '../upstream/api-proxy';
import { queryString } from '../upstream/query-string';

/**
 * KPIs and the view of each management level (analytics). Figures and customer ids only, never a
 * customer's name. Row level is analytics': a manager sees their team, an agent themself, executives,
 * admins and analysts every team. The executive view refuses other roles with 403; a team that is not
 * the caller's is refused with 422 (team-not-yours), as service-desk's stats do.
 */
@ApiTags('analytics')
@Controller('api/v1/analytics')
export class AnalyticsKpisController {
  private readonly analytics: UpstreamForwarder;

  constructor(proxy: ApiProxy) {
    this.analytics = proxy.to('analytics');
  }

  @Get('kpis')
  @RequireScopes('analytics:read')
  @ApiOperation({
    summary:
      'KPIs per week or month of [from, to): new, active and churned customers, churn rate, repeat-purchase rate, average order value, revenue net of refunds, NPS, CSAT, SLA compliance and median first response (as service-desk reported them), follow-ups done on time, loyalty points issued, redeemed and outstanding. Formulas: README "KPIs and dashboards"',
  })
  @ApiOkResponse({ type: KpisView })
  @ApiProblems(400, 401, 403, 422, 429, 502, 504)
  async kpis(@Query() query: KpisQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.analytics.get(request, response, `/internal/v1/kpis${queryString(query)}`);
  }

  @Get('dashboards/executive')
  @RequireScopes('analytics:read')
  @ApiOperation({
    summary:
      'The executive view: the KPIs of the last week or month against the one before (trends), and the customers per value tier. Executives, admins and analysts only (403 for other roles)',
  })
  @ApiOkResponse({ type: ExecutiveDashboardView })
  @ApiProblems(400, 401, 403, 429, 502, 504)
  async executive(
    @Query() query: ExecutiveDashboardQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.analytics.get(request, response, `/internal/v1/dashboards/executive${queryString(query)}`);
  }

  @Get('dashboards/manager')
  @RequireScopes('analytics:read')
  @ApiOperation({
    summary:
      "A team's view: follow-up and SLA compliance, at-risk customers by owner, and per agent follow-ups on time, contacts, conversions from prospect, tickets resolved within SLA and CSAT. A manager's own team (the default); those who see every team name one",
  })
  @ApiOkResponse({ type: ManagerDashboardView })
  @ApiProblems(400, 401, 403, 422, 429, 502, 504)
  async manager(
    @Query() query: ManagerDashboardQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.analytics.get(request, response, `/internal/v1/dashboards/manager${queryString(query)}`);
  }

  /** Agents hold no analytics:read: their worklist asks for what they already read, their follow-ups. */
  @Get('dashboards/agent')
  @RequireScopes('interactions:read')
  @ApiOperation({
    summary:
      "The caller's worklist: their overdue follow-ups and those due within 7 days, the at-risk customers they own, their open tickets by SLA due time",
  })
  @ApiOkResponse({ type: AgentDashboardView })
  @ApiProblems(401, 403, 429, 502, 504)
  async agent(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.analytics.get(request, response, '/internal/v1/dashboards/agent');
  }
}
