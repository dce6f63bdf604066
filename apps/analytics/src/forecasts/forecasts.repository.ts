import { Injectable } from '@nestjs/common';
import type { ForecastBreakdown, ForecastGranularity, ForecastMeasure, ForecastView } from '@rapport/contracts';
import { DataSource } from 'typeorm';

export interface PeriodValue {
  /** 'all', a category or a channel. */
  key: string;
  /** First day of the period, YYYY-MM-DD in the forecasts' time zone. */
  period: string;
  value: number;
}

export const UNKNOWN_CHANNEL = '(unknown)';
export const UNCATEGORISED = '(uncategorised)';

/**
 * The forecasts' reads of the purchase ledger (analytics.purchases, purchase_lines, purchase_refunds: the
 * lead's PurchaseLedger, filled from customer-profile's events) and their own table. One set-based
 * aggregation per request: the database sums the periods, the models get a few hundred numbers.
 */
@Injectable()
export class ForecastsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The period holding `to` (its first day) and the instant it starts: the history ends there. */
  async periodOf(to: Date, unit: ForecastGranularity, timeZone: string): Promise<{ period: string; start: Date }> {
    const [row] = await this.dataSource.query(
      `SELECT to_char(date_trunc($1, $2::timestamptz AT TIME ZONE $3), 'YYYY-MM-DD') AS period,
              date_trunc($1, $2::timestamptz AT TIME ZONE $3) AT TIME ZONE $3 AS start`,
      [unit, to.toISOString(), timeZone],
    );
    return { period: row.period, start: row.start };
  }

  /**
   * The measure per key and period for purchases (and refunds) at or after `from` and before `until`.
   * Revenue is net: a refund counts in the period it happened, against the category (split by the
   * purchase's line totals) or the channel of its purchase; a refund of a purchase the ledger does not
   * hold counts in the overall series only. Orders count purchases (a purchase with lines in two
   * categories counts once in each).
   */
  async aggregate(q: {
    measure: ForecastMeasure;
    unit: ForecastGranularity;
    by: ForecastBreakdown | null;
    timeZone: string;
    from: Date;
    until: Date;
  }): Promise<PeriodValue[]> {
    const period = (column: string) => `date_trunc($1, ${column} AT TIME ZONE $2)`;
    const params = [q.unit, q.timeZone, q.from.toISOString(), q.until.toISOString()];
    const inWindow = (column: string) => `${column} >= $3 AND ${column} < $4`;
    let sql: string;
    if (q.by === null) {
      sql =
        q.measure === 'orders'
          ? `SELECT 'all' AS key, ${period('occurred_at')} AS period, count(*)::numeric AS value
             FROM analytics.purchases WHERE ${inWindow('occurred_at')} GROUP BY 2`
          : `WITH sales AS (
               SELECT ${period('occurred_at')} AS period, sum(total_base) AS value
               FROM analytics.purchases WHERE ${inWindow('occurred_at')} GROUP BY 1),
             refunds AS (
               SELECT ${period('occurred_at')} AS period, sum(amount_base) AS value
               FROM analytics.purchase_refunds WHERE ${inWindow('occurred_at')} GROUP BY 1)
             SELECT 'all' AS key, period, coalesce(s.value, 0) - coalesce(r.value, 0) AS value
             FROM sales s FULL JOIN refunds r USING (period)`;
    } else if (q.by === 'channel') {
      const key = (alias: string) => `coalesce(${alias}.channel, '${UNKNOWN_CHANNEL}')`;
      sql =
        q.measure === 'orders'
          ? `SELECT ${key('p')} AS key, ${period('p.occurred_at')} AS period, count(*)::numeric AS value
             FROM analytics.purchases p WHERE ${inWindow('p.occurred_at')} GROUP BY 1, 2`
          : `WITH sales AS (
               SELECT ${key('p')} AS key, ${period('p.occurred_at')} AS period, sum(p.total_base) AS value
               FROM analytics.purchases p WHERE ${inWindow('p.occurred_at')} GROUP BY 1, 2),
             refunds AS (
               SELECT ${key('p')} AS key, ${period('r.occurred_at')} AS period, sum(r.amount_base) AS value
               FROM analytics.purchase_refunds r JOIN analytics.purchases p ON p.purchase_id = r.purchase_id
               WHERE ${inWindow('r.occurred_at')} GROUP BY 1, 2)
             SELECT key, period, coalesce(s.value, 0) - coalesce(r.value, 0) AS value
             FROM sales s FULL JOIN refunds r USING (key, period)`;
    } else {
      const key = (alias: string) => `coalesce(${alias}.category, '${UNCATEGORISED}')`;
      sql =
        q.measure === 'orders'
          ? `SELECT ${key('l')} AS key, ${period('p.occurred_at')} AS period, count(DISTINCT p.purchase_id)::numeric AS value
             FROM analytics.purchases p JOIN analytics.purchase_lines l ON l.purchase_id = p.purchase_id
             WHERE ${inWindow('p.occurred_at')} GROUP BY 1, 2`
          : `WITH sales AS (
               SELECT ${key('l')} AS key, ${period('p.occurred_at')} AS period, sum(l.line_total_base) AS value
               FROM analytics.purchases p JOIN analytics.purchase_lines l ON l.purchase_id = p.purchase_id
               WHERE ${inWindow('p.occurred_at')} GROUP BY 1, 2),
             refunded AS (
               SELECT purchase_id, occurred_at, amount_base FROM analytics.purchase_refunds
               WHERE ${inWindow('occurred_at')}),
             shares AS (
               SELECT l.purchase_id, ${key('l')} AS key,
                      sum(l.line_total_base) / nullif(sum(sum(l.line_total_base)) OVER (PARTITION BY l.purchase_id), 0) AS share
               FROM analytics.purchase_lines l
               WHERE l.purchase_id IN (SELECT purchase_id FROM refunded) GROUP BY 1, 2),
             refunds AS (
               SELECT s.key, ${period('r.occurred_at')} AS period, sum(r.amount_base * s.share) AS value
               FROM refunded r JOIN shares s ON s.purchase_id = r.purchase_id
               WHERE s.share IS NOT NULL GROUP BY 1, 2)
             SELECT key, period, coalesce(s.value, 0) - coalesce(r.value, 0) AS value
             FROM sales s FULL JOIN refunds r USING (key, period)`;
    }
    const rows: { key: string; period: string; value: number }[] = await this.dataSource.query(
      `SELECT key, to_char(period, 'YYYY-MM-DD') AS period, round(value, 4)::float8 AS value
       FROM (${sql}) AS aggregated ORDER BY key, period`,
      params,
    );
    return rows;
  }

  async insert(forecast: ForecastView, request: object): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO analytics.forecasts (id, created_at, request, view) VALUES ($1, $2, $3, $4)`,
      [forecast.id, forecast.createdAt, JSON.stringify(request), JSON.stringify(forecast)],
    );
  }

  async find(id: string): Promise<ForecastView | null> {
    const [row] = await this.dataSource.query(`SELECT view FROM analytics.forecasts WHERE id = $1`, [id]);
    return (row?.view as ForecastView | undefined) ?? null;
  }

  /** The newest forecast made for exactly this request since `since`, if any. */
  async latest(request: object, since: Date): Promise<ForecastView | null> {
    const [row] = await this.dataSource.query(
      `SELECT view FROM analytics.forecasts WHERE request = $1::jsonb AND created_at >= $2
        ORDER BY created_at DESC LIMIT 1`,
      [JSON.stringify(request), since],
    );
    return (row?.view as ForecastView | undefined) ?? null;
  }
}
