import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { HoldoutReport, HoldoutRow } from './clv.fit';
import type { BgNbdParams, DatedPurchase, FitOutcome, GammaGammaParams, SpendRow } from './clv.model';
import { PURCHASE_DAY_SQL } from '../purchase-ledger/purchase-ledger.repository';

export interface FitData {
  timeUnit: 'week';
  firstPurchaseAt: string | null;
  calibrationEnd: string;
  customers: number;
  transactions: number;
  repeatCustomers: number;
  rows: number;
  loadMs: number;
  /** CPU time of the optimisation (its thread), ms; absent on a failed fit. */
  optimiseCpuMs?: number;
}

export interface FitRecord {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  requestedAt: Date;
  finishedAt: Date | null;
  calibrationEnd: Date;
  holdoutEnd: Date | null;
  data: FitData | null;
  bgnbd: (BgNbdParams & { logLikelihood: number; starts: FitOutcome<unknown>['starts'] }) | null;
  gammaGamma: (GammaGammaParams & { logLikelihood: number; starts: FitOutcome<unknown>['starts'] }) | null;
  holdout: HoldoutReport | null;
  error: { code: string; detail: string } | null;
  durationMs: number | null;
}

const DAY = PURCHASE_DAY_SQL;

/** Reads the purchase ledger (analytics.purchases, the rfm consumer's) and keeps the fits. */
@Injectable()
export class ClvRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The calibration data, collapsed in SQL, in one snapshot: per customer with a purchase up to
   * `calibrationEnd`, transactions are days with purchases (values netted of refunds and summed per
   * day); x = transactions − 1, t_x and T in days (to `calibrationEndDay`), grouped into weighted rows;
   * with a holdout, each row also keeps the customers' transactions (days) after the calibration day
   * up to `holdoutEnd`. The spend rows are the repeat buyers' (x, mean of repeat transactions).
   */
  async calibrationData(
    calibrationEnd: Date,
    calibrationEndDay: number,
    holdoutEnd: Date | null,
  ): Promise<{
    rows: HoldoutRow[];
    spend: SpendRow[];
    data: Omit<FitData, 'rows' | 'calibrationEnd' | 'timeUnit' | 'loadMs'>;
  }> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query(`SET LOCAL work_mem = '256MB'`);
      await manager.query(
        `CREATE TEMP TABLE clv_customers ON COMMIT DROP AS
         WITH t AS (
           SELECT customer_id, ${DAY} AS day, sum(total_base - refunded_base)::float8 AS value
           FROM analytics.purchases WHERE occurred_at <= $1
           GROUP BY 1, 2
         ), f AS (
           SELECT customer_id, day, value, min(day) OVER (PARTITION BY customer_id) AS first_day FROM t
         )
         SELECT customer_id, count(*)::int - 1 AS x, min(day) AS first_day, max(day) AS last_day,
                sum(value) FILTER (WHERE day > first_day) AS repeat_value
         FROM f GROUP BY customer_id`,
        [calibrationEnd],
      );
      const holdout = holdoutEnd
        ? `LEFT JOIN (
             SELECT customer_id, count(DISTINCT ${DAY})::int AS y FROM analytics.purchases
             WHERE occurred_at > $2 AND occurred_at <= $3 AND ${DAY} > $1
             GROUP BY customer_id
           ) h USING (customer_id)`
        : '';
      const rows: Array<Record<string, number>> = await manager.query(
        `SELECT x, last_day - first_day AS tx_days, $1::int - first_day AS t_days,
                ${holdoutEnd ? 'coalesce(h.y, 0)' : '0'} AS y, count(*)::int AS weight
         FROM clv_customers c ${holdout}
         GROUP BY 1, 2, 3, 4`,
        holdoutEnd ? [calibrationEndDay, calibrationEnd, holdoutEnd] : [calibrationEndDay],
      );
      // Means to the 4 decimals the ledger keeps: equal spends collapse too.
      const spend: Array<Record<string, number>> = await manager.query(
        `SELECT x, round((repeat_value / x)::numeric, 4)::float8 AS m, count(*)::int AS weight
         FROM clv_customers WHERE x > 0 GROUP BY 1, 2 ORDER BY 1`,
      );
      const [totals] = await manager.query(
        `SELECT count(*)::int AS customers, coalesce(sum(x + 1), 0)::int AS transactions,
                count(*) FILTER (WHERE x > 0)::int AS repeat_customers, min(first_day) AS first_day
         FROM clv_customers`,
      );
      const DAYS = 7;
      return {
        rows: rows.map((r) => ({
          frequency: Number(r['x']),
          recency: Number(r['tx_days']) / DAYS,
          T: Number(r['t_days']) / DAYS,
          weight: Number(r['weight']),
          holdoutActual: Number(r['y']),
        })),
        spend: spend.map((r) => ({ frequency: Number(r['x']), monetary: Number(r['m']), weight: Number(r['weight']) })),
        data: {
          firstPurchaseAt:
            totals.first_day === null ? null : new Date(Number(totals.first_day) * 86_400_000).toISOString(),
          customers: totals.customers,
          transactions: totals.transactions,
          repeatCustomers: totals.repeat_customers,
        },
      };
    });
  }

  /** One customer's purchases up to `asOf`, netted of refunds, with their UTC day. */
  async customerPurchases(manager: EntityManager | null, customerId: string, asOf: Date): Promise<DatedPurchase[]> {
    const rows: Array<Record<string, unknown>> = await (manager ?? this.dataSource.manager).query(
      `SELECT ${DAY} AS day, (total_base - refunded_base)::float8 AS net
       FROM analytics.purchases WHERE customer_id = $1 AND occurred_at <= $2`,
      [customerId, asOf],
    );
    return rows.map((r) => ({ customer: customerId, day: Number(r['day']), net: Number(r['net']) }));
  }

  async startFit(fit: {
    id: string;
    requestedAt: Date;
    requestedBy: string | null;
    calibrationEnd: Date;
    holdoutEnd: Date | null;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO analytics.clv_fits (id, status, requested_at, requested_by, calibration_end, holdout_end)
       VALUES ($1, 'running', $2, $3, $4, $5)`,
      [fit.id, fit.requestedAt, fit.requestedBy, fit.calibrationEnd, fit.holdoutEnd],
    );
  }

  async finishFit(
    id: string,
    outcome: Pick<FitRecord, 'status' | 'data' | 'bgnbd' | 'gammaGamma' | 'holdout' | 'error' | 'durationMs'>,
  ): Promise<void> {
    const json = (v: unknown) => (v === null ? null : JSON.stringify(v));
    await this.dataSource.query(
      `UPDATE analytics.clv_fits SET status = $2, finished_at = clock_timestamp(), data = $3, bgnbd = $4,
              gamma_gamma = $5, holdout = $6, error = $7, duration_ms = $8
       WHERE id = $1`,
      [
        id,
        outcome.status,
        json(outcome.data),
        json(outcome.bgnbd),
        json(outcome.gammaGamma),
        json(outcome.holdout),
        json(outcome.error),
        outcome.durationMs,
      ],
    );
  }

  async findFit(id: string): Promise<FitRecord | undefined> {
    const [row] = await this.dataSource.query(`SELECT * FROM analytics.clv_fits WHERE id = $1`, [id]);
    return row ? toFit(row) : undefined;
  }

  /** The current model: the latest fit that succeeded. */
  async currentFit(manager: EntityManager | null = null): Promise<FitRecord | undefined> {
    const [row] = await (manager ?? this.dataSource.manager).query(
      `SELECT * FROM analytics.clv_fits WHERE status = 'succeeded' ORDER BY finished_at DESC LIMIT 1`,
    );
    return row ? toFit(row) : undefined;
  }
}

function toFit(row: Record<string, unknown>): FitRecord {
  return {
    id: row['id'] as string,
    status: row['status'] as FitRecord['status'],
    requestedAt: row['requested_at'] as Date,
    finishedAt: (row['finished_at'] as Date | null) ?? null,
    calibrationEnd: row['calibration_end'] as Date,
    holdoutEnd: (row['holdout_end'] as Date | null) ?? null,
    data: (row['data'] as FitData | null) ?? null,
    bgnbd: (row['bgnbd'] as FitRecord['bgnbd']) ?? null,
    gammaGamma: (row['gamma_gamma'] as FitRecord['gammaGamma']) ?? null,
    holdout: (row['holdout'] as HoldoutReport | null) ?? null,
    error: (row['error'] as FitRecord['error']) ?? null,
    durationMs: (row['duration_ms'] as number | null) ?? null,
  };
}
