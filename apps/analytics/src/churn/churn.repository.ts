import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { BgNbdParams } from '../clv/clv.model';
import {
  DEFAULT_GAP_DAYS,
  LOW_SURVEY_DAYS,
  MAX_COUNTED_COMPLAINTS,
  NO_CONTACT_DAYS,
  RISK_BANDS,
  WEIGHTS,
  type ActivitySignals,
  type ChurnAssessment,
  type PurchaseHistory,
} from './churn.model';
import { PURCHASE_DAY_SQL } from '../purchase-ledger/purchase-ledger.repository';

export interface ChurnRecord {
  customerId: string;
  risk: number;
  pAlive: number;
  method: 'bgnbd' | 'recency';
  daysSinceLastPurchase: number;
  drivers: ChurnAssessment['drivers'];
  fitId: string | null;
  computedAt: Date;
}

const DAY = PURCHASE_DAY_SQL;

/** Per buyer up to the instant `asOf` (a placeholder): repeat days x, first and last purchase day. */
const BUYER_DAYS_SQL = (asOf: string) => `
  SELECT customer_id, count(DISTINCT day) - 1 AS x, min(day) AS first_day, max(day) AS last_day
  FROM (SELECT customer_id, ${DAY} AS day FROM analytics.purchases WHERE occurred_at <= ${asOf}) purchase_days
  GROUP BY customer_id`;

/**
 * The churn risk's SQL, the full run's: churn.model's assessChurn for every buyer at once (the
 * integration spec holds the two against each other). $1 now, $2..$5 r, α, a, b (null without a fit).
 */
const SCORE_ALL_SQL = `
    WITH d AS (${BUYER_DAYS_SQL('$1')}), h AS (
      SELECT d.*, floor(date_part('epoch', $1::timestamptz) / 86400)::int AS today FROM d
    ), p AS (
      SELECT h.*, greatest(0, today - last_day) AS days,
        CASE WHEN $2::float8 IS NOT NULL AND x > 0 THEN
               1 / (1 + exp(ln($4::float8) - ln($5::float8 + x - 1)
                            + ($2::float8 + x) * ln(($3::float8 + greatest(0, today - first_day) / 7.0)
                                                    / ($3::float8 + (last_day - first_day) / 7.0))))
             ELSE CASE WHEN greatest(0, today - last_day)
                            <= CASE WHEN x > 0 THEN greatest(1, (last_day - first_day)::float8 / x) ELSE ${DEFAULT_GAP_DAYS} END
                       THEN 1
                       ELSE exp(-(greatest(0, today - last_day)
                                  - CASE WHEN x > 0 THEN greatest(1, (last_day - first_day)::float8 / x) ELSE ${DEFAULT_GAP_DAYS} END)
                                / CASE WHEN x > 0 THEN greatest(1, (last_day - first_day)::float8 / x) ELSE ${DEFAULT_GAP_DAYS} END)
                  END
        END AS p_alive,
        CASE WHEN $2::float8 IS NOT NULL AND x > 0 THEN 'bgnbd' ELSE 'recency' END AS method
      FROM h
    ), s AS (
      SELECT p.customer_id, p.days, p.p_alive, p.method,
        ln(least(0.99, greatest(0.01, 1 - p.p_alive)) / (1 - least(0.99, greatest(0.01, 1 - p.p_alive)))) AS base,
        CASE WHEN a.last_contact_at IS NOT NULL AND $1::timestamptz - a.last_contact_at > interval '${NO_CONTACT_DAYS} days'
             THEN ${WEIGHTS.noRecentContact} ELSE 0 END AS w_contact,
        ${WEIGHTS.openComplaint} * least(coalesce(a.open_complaints, 0), ${MAX_COUNTED_COMPLAINTS}) AS w_complaints,
        CASE WHEN a.last_survey_score IS NOT NULL AND a.last_survey_at IS NOT NULL
                  AND $1::timestamptz - a.last_survey_at <= interval '${LOW_SURVEY_DAYS} days'
                  AND ((a.last_survey_kind = 'nps' AND a.last_survey_score <= 6)
                       OR (a.last_survey_kind = 'csat' AND a.last_survey_score <= 2))
             THEN ${WEIGHTS.lowSurveyScore} ELSE 0 END AS w_survey,
        a.last_contact_at, a.open_complaints, a.last_survey_kind, a.last_survey_score
      FROM p LEFT JOIN analytics.customer_activity a USING (customer_id)
    )
    SELECT customer_id, days, p_alive, method, base, w_contact, w_complaints, w_survey,
           1 / (1 + exp(-(base + w_contact + w_complaints + w_survey))) AS risk,
           last_contact_at, open_complaints, last_survey_kind, last_survey_score
    FROM s`;

@Injectable()
export class ChurnRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A customer's service signals (analytics.customer_activity); null for a customer with none. */
  async activity(manager: EntityManager | null, customerId: string): Promise<ActivitySignals | null> {
    const [row] = await (manager ?? this.dataSource.manager).query(
      `SELECT last_contact_at, open_complaints, last_survey_score, last_survey_kind, last_survey_at
       FROM analytics.customer_activity WHERE customer_id = $1`,
      [customerId],
    );
    if (!row) return null;
    return {
      lastContactAt: row.last_contact_at ?? null,
      openComplaints: Number(row.open_complaints ?? 0),
      lastSurveyScore: row.last_survey_score === null ? null : Number(row.last_survey_score),
      lastSurveyKind: row.last_survey_kind ?? null,
      lastSurveyAt: row.last_survey_at ?? null,
    };
  }

  /** A customer's purchase days up to `asOf`; undefined before the first purchase. */
  async history(manager: EntityManager | null, customerId: string, asOf: Date): Promise<PurchaseHistory | undefined> {
    const [row] = await (manager ?? this.dataSource.manager).query(
      `SELECT count(DISTINCT ${DAY})::int - 1 AS x, min(${DAY}) AS first_day, max(${DAY}) AS last_day
       FROM analytics.purchases WHERE customer_id = $1 AND occurred_at <= $2`,
      [customerId, asOf],
    );
    if (!row || row.first_day === null) return undefined;
    return { frequency: Number(row.x), firstPurchaseDay: Number(row.first_day), lastPurchaseDay: Number(row.last_day) };
  }

  async find(manager: EntityManager | null, customerId: string): Promise<ChurnRecord | undefined> {
    const [row] = await (manager ?? this.dataSource.manager).query(
      `SELECT * FROM analytics.churn_risks WHERE customer_id = $1`,
      [customerId],
    );
    return row ? toRecord(row) : undefined;
  }

  async save(manager: EntityManager, record: ChurnRecord): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.churn_risks
         (customer_id, risk, p_alive, method, days_since_last_purchase, drivers, fit_id, computed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (customer_id) DO UPDATE SET
         risk = EXCLUDED.risk, p_alive = EXCLUDED.p_alive, method = EXCLUDED.method,
         days_since_last_purchase = EXCLUDED.days_since_last_purchase, drivers = EXCLUDED.drivers,
         fit_id = EXCLUDED.fit_id, computed_at = EXCLUDED.computed_at`,
      [
        record.customerId,
        record.risk,
        record.pAlive,
        record.method,
        record.daysSinceLastPurchase,
        JSON.stringify(record.drivers),
        record.fitId,
        record.computedAt,
      ],
    );
  }

  /**
   * Every buyer's risk as of `now`, set-based, written to churn_risks; answers each customer's new
   * and previous risk and drivers, for the caller to publish what changed.
   */
  async scoreAll(
    manager: EntityManager,
    now: Date,
    fit: { id: string; params: BgNbdParams } | null,
  ): Promise<Array<{ customerId: string; previous: number | null; record: ChurnRecord }>> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `WITH scored AS (${SCORE_ALL_SQL}),
       old AS (SELECT customer_id, risk FROM analytics.churn_risks),
       drivers AS (
         SELECT scored.*, jsonb_path_query_array(jsonb_build_array(
             jsonb_build_object('driver', 'p-alive', 'weight', base,
               'detail', format('P(alive) %s by %s; %s days since the last purchase', round(p_alive::numeric, 3),
                                CASE method WHEN 'bgnbd' THEN 'BG/NBD' ELSE 'recency' END, days)),
             CASE WHEN w_contact > 0 THEN jsonb_build_object('driver', 'no-recent-contact', 'weight', w_contact,
               'detail', format('last contact %s days ago', floor(extract(epoch FROM $1::timestamptz - last_contact_at) / 86400))) END,
             CASE WHEN w_complaints > 0 THEN jsonb_build_object('driver', 'open-complaints', 'weight', w_complaints,
               'detail', format('%s open complaint%s', open_complaints, CASE WHEN open_complaints = 1 THEN '' ELSE 's' END)) END,
             CASE WHEN w_survey > 0 THEN jsonb_build_object('driver', 'low-survey-score', 'weight', w_survey,
               'detail', format('last %s score %s', last_survey_kind, last_survey_score)) END
           ), '$[*] ? (@ != null)') AS list
         FROM scored
       ), up AS (
         INSERT INTO analytics.churn_risks
           (customer_id, risk, p_alive, method, days_since_last_purchase, drivers, fit_id, computed_at)
         SELECT customer_id, risk, p_alive, method, days,
                (SELECT coalesce(jsonb_agg(e ORDER BY (e->>'weight')::float8 DESC), '[]') FROM jsonb_array_elements(list) e),
                $6::uuid, $1
         FROM drivers
         ON CONFLICT (customer_id) DO UPDATE SET
           risk = EXCLUDED.risk, p_alive = EXCLUDED.p_alive, method = EXCLUDED.method,
           days_since_last_purchase = EXCLUDED.days_since_last_purchase, drivers = EXCLUDED.drivers,
           fit_id = EXCLUDED.fit_id, computed_at = EXCLUDED.computed_at
         RETURNING *
       )
       SELECT up.*, old.risk AS previous FROM up LEFT JOIN old USING (customer_id)`,
      [
        now,
        fit?.params.r ?? null,
        fit?.params.alpha ?? null,
        fit?.params.a ?? null,
        fit?.params.b ?? null,
        fit?.id ?? null,
      ],
    );
    return rows.map((row) => ({
      customerId: row['customer_id'] as string,
      previous: row['previous'] === null ? null : Number(row['previous']),
      record: toRecord(row),
    }));
  }

  /**
   * The backtest's rows: every customer who bought up to `asOf`, their purchase history as of then
   * and whether they bought again in (asOf, horizonEnd]: collapsed on (x, first, last day, churned).
   */
  async backtestRows(
    asOf: Date,
    horizonEnd: Date,
  ): Promise<Array<{ history: PurchaseHistory; churned: boolean; weight: number }>> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `WITH d AS (${BUYER_DAYS_SQL('$1')}), later AS (
         SELECT DISTINCT customer_id FROM analytics.purchases WHERE occurred_at > $1 AND occurred_at <= $2
       )
       SELECT x, first_day, last_day, later.customer_id IS NULL AS churned, count(*)::int AS weight
       FROM d LEFT JOIN later USING (customer_id)
       GROUP BY 1, 2, 3, 4`,
      [asOf, horizonEnd],
    );
    return rows.map((r) => ({
      history: {
        frequency: Number(r['x']),
        firstPurchaseDay: Number(r['first_day']),
        lastPurchaseDay: Number(r['last_day']),
      },
      churned: r['churned'] === true,
      weight: Number(r['weight']),
    }));
  }

  /** Merge: the survivor is reassessed by the caller; the merged id's assessment goes. */
  async remove(manager: EntityManager, customerId: string): Promise<number> {
    const [, removed]: [unknown[], number] = await manager.query(
      `DELETE FROM analytics.churn_risks WHERE customer_id = $1`,
      [customerId],
    );
    return removed;
  }

  /**
   * Everyone's current risk in one pass: how many are assessed and at risk (risk ≥ threshold), the
   * mean, the customers per band of customer-profile's lifecycle rule (loyal below 0.3, at risk from
   * 0.7), and the drivers most often named for those at risk.
   */
  async overview(threshold: number): Promise<ChurnOverview> {
    const [totals] = await this.dataSource.query(
      `SELECT count(*)::int AS assessed, count(*) FILTER (WHERE risk >= $1)::int AS at_risk,
              avg(risk)::float8 AS mean_risk,
              count(*) FILTER (WHERE risk < $2)::int AS low,
              count(*) FILTER (WHERE risk >= $2 AND risk < $3)::int AS medium,
              count(*) FILTER (WHERE risk >= $3)::int AS high
         FROM analytics.churn_risks`,
      [threshold, ...RISK_BANDS],
    );
    const drivers: Array<{ driver: string; customers: number }> = await this.dataSource.query(
      `SELECT d->>'driver' AS driver, count(DISTINCT r.customer_id)::int AS customers
         FROM analytics.churn_risks r, jsonb_array_elements(r.drivers) AS d
        WHERE r.risk >= $1
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5`,
      [threshold],
    );
    return {
      threshold,
      assessed: totals.assessed,
      atRisk: totals.at_risk,
      atRiskShare: totals.assessed === 0 ? null : totals.at_risk / totals.assessed,
      meanRisk: totals.mean_risk === null ? null : Math.round(totals.mean_risk * 10_000) / 10_000,
      bands: { below30: totals.low, from30to70: totals.medium, from70: totals.high },
      topDrivers: drivers,
    };
  }
}

function toRecord(row: Record<string, unknown>): ChurnRecord {
  return {
    customerId: row['customer_id'] as string,
    risk: Number(row['risk']),
    pAlive: Number(row['p_alive']),
    method: row['method'] as ChurnRecord['method'],
    daysSinceLastPurchase: Number(row['days_since_last_purchase']),
    drivers: row['drivers'] as ChurnRecord['drivers'],
    fitId: (row['fit_id'] as string | null) ?? null,
    computedAt: row['computed_at'] as Date,
  };
}

export interface ChurnOverview {
  threshold: number;
  assessed: number;
  atRisk: number;
  atRiskShare: number | null;
  meanRisk: number | null;
  bands: { below30: number; from30to70: number; from70: number };
  topDrivers: Array<{ driver: string; customers: number }>;
}
