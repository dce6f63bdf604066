import { Injectable } from '@nestjs/common';
import type {
  AgentDashboardView,
  ExecutiveDashboardQuery,
  ExecutiveDashboardView,
  ManagerDashboardQuery,
  ManagerDashboardView,
} from '@rapport/contracts';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { ChurnRepository } from '../churn/churn.repository';
import { CHURN_THRESHOLD } from '../churn/churn.service';
import { ForecastsService } from '../forecasts/forecasts.service';
import { Kpis } from '../kpis/kpi-definitions';
import { assertExecutive, managerTeam } from '../kpis/kpis.access';
import { KpisService, periodStart } from '../kpis/kpis.service';
import { DashboardsRepository } from './dashboards.repository';
import { kpiChanges } from './kpi-trends';

/** The executive's revenue outlook: the next three months, made at most once a day. */
const EXECUTIVE_FORECAST = { measure: 'revenue', granularity: 'month', horizon: 3 } as const;
const FORECAST_MAX_AGE_MS = 24 * 3_600_000;

/**
 * The view of each management level (issue 16, item 7): the executive's KPIs with their trends, the
 * tier mix, the churn-risk overview and a revenue forecast, a manager's team, an agent's worklist. Row level is decided here, before any read.
 */
@Injectable()
export class DashboardsService {
  private readonly definitions = new Kpis();

  constructor(
    private readonly kpis: KpisService,
    private readonly repository: DashboardsRepository,
    private readonly churn: ChurnRepository,
    private readonly forecasts: ForecastsService,
  ) {}

  async executive(
    query: ExecutiveDashboardQuery,
    caller: CallerIdentity,
    now = new Date(),
  ): Promise<ExecutiveDashboardView> {
    assertExecutive(caller);
    const period = query.period ?? 'month';
    const to = query.to ? new Date(query.to) : now;
    const start = periodStart(to, period);
    const [[previous, current], tierMix, churnRisk, revenueForecast] = await Promise.all([
      this.kpis.compute(
        [
          { start: periodStart(to, period, 2), end: start },
          { start, end: to },
        ],
        { team: null, agent: null },
        now,
      ),
      this.kpis.tierMix(),
      this.churn.overview(CHURN_THRESHOLD),
      this.forecasts.recentOrNew(EXECUTIVE_FORECAST, FORECAST_MAX_AGE_MS, now),
    ]);
    return {
      asOf: now.toISOString(),
      kpis: { current: current!, previous: previous!, change: kpiChanges(current!.kpis, previous!.kpis) },
      tierMix,
      churnRisk,
      revenueForecast,
    };
  }

  async manager(query: ManagerDashboardQuery, caller: CallerIdentity, now = new Date()): Promise<ManagerDashboardView> {
    const team = managerTeam(caller, query.team);
    const period = query.period ?? 'month';
    const to = query.to ? new Date(query.to) : now;
    const from = periodStart(to, period);
    // only the two KPIs the view shows, from the team's own rows (not the whole KPI set)
    const [compliance, atRiskByOwner, agents] = await Promise.all([
      this.repository.teamCompliance(team, from, to, now),
      this.repository.atRiskByOwner(team),
      this.repository.agentFigures(team, from, to, now),
    ]);
    return {
      team,
      from: from.toISOString(),
      to: to.toISOString(),
      followUpCompliance: this.definitions.followUpsOnTime(compliance),
      slaCompliance: this.definitions.slaCompliance(compliance),
      atRiskByOwner,
      // each agent's figures by the KPIs' own definitions
      agents: agents.map(({ csatSatisfied, ...a }) => ({
        ...a,
        followUpsOnTime: this.definitions.followUpsOnTime({
          followUpsDue: a.followUpsDue,
          followUpsOnTime: a.followUpsDoneOnTime,
        }),
        csat: this.definitions.csat({ csatSatisfied, csatRatings: a.csatRatings }),
      })),
    };
  }

  /** The caller's own worklist: whoever calls sees only what is assigned to or owned by them. */
  async agent(caller: CallerIdentity, now = new Date()): Promise<AgentDashboardView> {
    const [followUps, atRiskCustomers, openTickets] = await Promise.all([
      this.repository.openFollowUps(caller.sub, now),
      this.repository.atRiskOwnedBy(caller.sub),
      this.repository.openTickets(caller.sub),
    ]);
    return {
      agent: caller.sub,
      asOf: now.toISOString(),
      overdueFollowUps: followUps.overdue,
      dueFollowUps: followUps.due,
      atRiskCustomers,
      openTickets,
    };
  }
}
