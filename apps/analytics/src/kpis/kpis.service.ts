import { addCalendarMonths } from '@rapport/platform-business-calendar';
import { Injectable } from '@nestjs/common';
import {
  KPI_DEFAULT_INTERVALS,
  KPI_INTERVALS_MAX,
  type KpiIntervalName,
  type KpisQuery,
  type KpisView,
} from '@rapport/contracts';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { groupLifetimeValue } from '../clv/clv.model';
import { CLV_HORIZON_WEEKS, ClvService } from '../clv/clv.service';
import { kpiFilter, type RowFilter } from './kpis.access';
import { KpisErrorCode, KpisException } from './kpis.exception';
import { KpisRepository } from './kpis.repository';
import { intervalsOf, Kpis, type KpiValues } from './kpi-definitions';

const WEEK_MS = 7 * 86_400_000;

/** One period's KPIs. */
export interface PeriodKpis {
  from: string;
  to: string;
  kpis: KpiValues;
}

/** The start of the period of one interval ending at `to`, or `count` of them. */
export function periodStart(to: Date, interval: KpiIntervalName, count = 1): Date {
  return interval === 'week' ? new Date(to.getTime() - count * WEEK_MS) : addCalendarMonths(to, -count);
}

@Injectable()
export class KpisService {
  private readonly kpis = new Kpis();

  constructor(
    private readonly repository: KpisRepository,
    private readonly clv: ClvService,
  ) {}

  /** GET /kpis: the KPIs per interval of [from, to), for the rows the caller may see. */
  async series(query: KpisQuery, caller: CallerIdentity, now = new Date()): Promise<KpisView> {
    const filter = kpiFilter(caller, query.team);
    const interval = query.interval ?? 'month';
    const to = query.to ? new Date(query.to) : now;
    const from = query.from ? new Date(query.from) : periodStart(to, interval, KPI_DEFAULT_INTERVALS[interval]);
    if (from.getTime() >= to.getTime())
      throw new KpisException(KpisErrorCode.WindowInvalid, 'from must be before to', 'from');
    if (periodStart(to, interval, KPI_INTERVALS_MAX).getTime() > from.getTime())
      throw new KpisException(
        KpisErrorCode.WindowInvalid,
        `the window holds more than ${KPI_INTERVALS_MAX} ${interval}s: ask for a shorter one or a longer interval`,
        'from',
      );
    const periods = await this.compute(intervalsOf(from, to, interval), filter, now);
    return { interval, scope: filter, asOf: now.toISOString(), intervals: periods };
  }

  /** The KPIs of the given periods for a row filter (the dashboards' use). */
  async compute(periods: Array<{ start: Date; end: Date }>, filter: RowFilter, now: Date): Promise<PeriodKpis[]> {
    const [facts, lifetimeValues] = await Promise.all([
      this.repository.facts(periods, filter, now),
      this.lifetimeValues(periods, filter, now),
    ]);
    return periods.map((p, i) => ({
      from: p.start.toISOString(),
      to: p.end.toISOString(),
      kpis: this.kpis.all({ ...facts[i]!, lifetimeValue: lifetimeValues?.[i] ?? null }),
    }));
  }

  /** Each period's customer lifetime value total under the current CLV model; null without a model. */
  private async lifetimeValues(periods: Array<{ end: Date }>, filter: RowFilter, now: Date): Promise<number[] | null> {
    const models = await this.clv.currentModels();
    if (!models) return null;
    const groups = await this.repository.lifetimeValueGroups(
      periods.map((p) => p.end),
      filter,
      now,
    );
    return groups.map((period) =>
      period.reduce((sum, g) => sum + groupLifetimeValue(models.bgnbd, models.spend, g, CLV_HORIZON_WEEKS), 0),
    );
  }

  async tierMix(): Promise<{ A: number; B: number; C: number }> {
    return this.repository.tierMix();
  }
}
