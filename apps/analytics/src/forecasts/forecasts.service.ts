import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  FORECAST_HORIZON_MAX,
  FORECAST_TIME_ZONE,
  type CreateForecastRequest,
  type ForecastGranularity,
  type ForecastSeriesView,
  type ForecastView,
} from '@rapport/contracts';
import { forecastSeries, INTERVAL_LEVEL } from './forecast.backtest';
import { ForecastsErrorCode, ForecastsException } from './forecasts.exception';
import { ForecastsRepository, type PeriodValue } from './forecasts.repository';
import { addDays, holidayDaysPerWeek } from './holiday-weeks';

/** Series kept per breakdown, by size; the rest are summed into one. */
export const MAX_SERIES = 20;
export const OTHER_KEY = '(other)';
/** History used at most: ten years. */
const MAX_HISTORY_YEARS = 10;

/** The first day of the next period: a week (7 days) or a calendar month later. */
export function nextPeriod(period: string, unit: ForecastGranularity): string {
  if (unit === 'week') return addDays(period, 7);
  const [year, month] = period.split('-').map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

/**
 * Per key, the values of every period from the key's first period with data up to (not including)
 * `end`, zero where nothing happened; keys beyond the largest {@link MAX_SERIES} (by absolute total)
 * summed into {@link OTHER_KEY}.
 */
export function denseSeries(
  rows: readonly PeriodValue[],
  end: string,
  unit: ForecastGranularity,
): { key: string; periods: string[]; values: number[] }[] {
  const byKey = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const periods = byKey.get(row.key) ?? new Map<string, number>();
    periods.set(row.period, (periods.get(row.period) ?? 0) + row.value);
    byKey.set(row.key, periods);
  }
  const size = (periods: Map<string, number>) => [...periods.values()].reduce((a, v) => a + Math.abs(v), 0);
  const ranked = [...byKey.entries()].sort((a, b) => size(b[1]) - size(a[1]) || (a[0] < b[0] ? -1 : 1));
  const kept = ranked.slice(0, MAX_SERIES);
  if (ranked.length > MAX_SERIES) {
    const other = new Map<string, number>();
    for (const [, periods] of ranked.slice(MAX_SERIES))
      for (const [period, value] of periods) other.set(period, (other.get(period) ?? 0) + value);
    kept.push([OTHER_KEY, other]);
  }
  return kept.map(([key, values]) => {
    const first = [...values.keys()].sort()[0]!;
    const periods: string[] = [];
    for (let p = first; p < end; p = nextPeriod(p, unit)) periods.push(p);
    return { key, periods, values: periods.map((p) => Math.round((values.get(p) ?? 0) * 1e4) / 1e4) };
  });
}

@Injectable()
export class ForecastsService {
  constructor(private readonly repository: ForecastsRepository) {}

  async create(request: CreateForecastRequest, now: Date = new Date()): Promise<ForecastView> {
    const unit = request.granularity;
    if (request.horizon > FORECAST_HORIZON_MAX[unit])
      throw new ForecastsException(
        ForecastsErrorCode.HorizonTooLong,
        `horizon ${request.horizon} is beyond ${FORECAST_HORIZON_MAX[unit]} ${unit}s (two years)`,
      );
    if (request.holidays && unit !== 'week')
      throw new ForecastsException(
        ForecastsErrorCode.HolidaysNeedWeeks,
        'holidays applies to weekly series: a month holds whole festivals every year, so monthly seasonality already has them',
      );
    const to = request.to ? new Date(request.to) : now;
    if (to.getTime() > now.getTime())
      throw new ForecastsException(
        ForecastsErrorCode.ToInFuture,
        `to (${request.to}) is in the future: the history can only end now or earlier`,
      );

    const { period: firstForecast, start: until } = await this.repository.periodOf(to, unit, FORECAST_TIME_ZONE);
    const from = new Date(until);
    from.setUTCFullYear(from.getUTCFullYear() - MAX_HISTORY_YEARS);
    const rows = await this.repository.aggregate({
      measure: request.measure,
      unit,
      by: request.by ?? null,
      timeZone: FORECAST_TIME_ZONE,
      from,
      until,
    });
    if (rows.length === 0)
      throw new ForecastsException(
        ForecastsErrorCode.NoHistory,
        `no purchases in the ${unit}s that ended by ${to.toISOString()}: nothing to forecast from`,
      );

    const future: string[] = [firstForecast];
    while (future.length < request.horizon) future.push(nextPeriod(future.at(-1)!, unit));
    const series = denseSeries(rows, firstForecast, unit).map(({ key, periods, values }): ForecastSeriesView => {
      const result = forecastSeries(values, {
        granularity: unit,
        horizon: request.horizon,
        nonNegative: request.measure === 'orders',
        ...(request.holidays ? { holidays: holidayDaysPerWeek([...periods, ...future]) } : {}),
      });
      return {
        key,
        mode: result.mode,
        seasonLength: result.seasonLength,
        baseline: result.baseline,
        chosenModel: result.chosenModel,
        beatsBaseline: result.beatsBaseline,
        backtest: result.backtest,
        history: periods.map((periodStart, i) => ({ periodStart, value: values[i]! })),
        forecast: result.forecast.map((p, i) => ({ periodStart: future[i]!, ...p })),
        holidays: result.holidays,
        notes: result.notes,
      };
    });

    const notes = [
      `History: the ${unit}s (${FORECAST_TIME_ZONE}) that ended by ${until.toISOString()}, at most ${MAX_HISTORY_YEARS} years; ` +
        `the forecast starts with the ${unit} of ${firstForecast}.`,
      `Intervals: ${INTERVAL_LEVEL * 100} %, from the empirical 10th and 90th percentiles of the chosen model’s backtest errors (scaled by √h).`,
    ];
    if (request.measure === 'revenue')
      notes.push('Revenue is net of refunds in the base currency; a refund counts in the period it happened.');
    if (series.some((s) => s.key === OTHER_KEY))
      notes.push(`Only the ${MAX_SERIES} largest series are shown; the others are summed in ${OTHER_KEY}.`);

    const view: ForecastView = {
      id: randomUUID(),
      createdAt: now.toISOString(),
      measure: request.measure,
      granularity: unit,
      horizon: request.horizon,
      by: request.by ?? null,
      to: until.toISOString(),
      timeZone: FORECAST_TIME_ZONE,
      intervalLevel: INTERVAL_LEVEL,
      series,
      notes,
    };
    await this.repository.insert(view, { ...request });
    return view;
  }

  /**
   * The forecast a dashboard shows: the newest one made for this request within `maxAgeMs`, else a
   * new one (stored like any other, so GET /forecasts/{id} shows it). Null when there is no history yet.
   */
  async recentOrNew(
    request: CreateForecastRequest,
    maxAgeMs: number,
    now: Date = new Date(),
  ): Promise<ForecastView | null> {
    const recent = await this.repository.latest({ ...request }, new Date(now.getTime() - maxAgeMs));
    if (recent) return recent;
    try {
      return await this.create(request, now);
    } catch (error) {
      if (error instanceof ForecastsException && error.code === ForecastsErrorCode.NoHistory) return null;
      throw error;
    }
  }

  async view(id: string): Promise<ForecastView> {
    const found = await this.repository.find(id);
    if (!found) throw new ForecastsException(ForecastsErrorCode.ForecastNotFound, `no forecast ${id}`);
    return found;
  }
}
