import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CutPoints, RfmScores, ScoringCuts, ValueTier } from './rfm.model';

export interface ValueFactsRecord {
  customerId: string;
  firstPurchaseAt: Date | null;
  lastPurchaseAt: Date | null;
  purchaseCount: number;
  /** Net of refunds, in the base currency. */
  monetary: number;
  refunded: number;
}

export interface ScoreRecord extends RfmScores {
  customerId: string;
  recencyDays: number;
  purchaseCount: number;
  monetaryValue: number;
  lastPurchaseAt: Date;
  cuts: ScoringCuts;
  computedAt: Date;
  /** The full run that computed them; null when a purchase or refund did (incremental). */
  runId: string | null;
}

export interface RunRecord {
  id: string;
  startedAt: Date;
  finishedAt: Date | null;
  customers: number;
  changed: number;
}

/** Held by the replica doing the full run: it happens once across replicas. */
const RUN_LOCK_KEY = `hashtext('rapport.analytics.scoring-run')`;
/**
 * Shared by incremental rescoring, exclusive for the full run's scoring statement: a purchase never
 * writes its customer's scores between the run's reading of the facts and its writing of the scores
 * (the run would overwrite them with older ones), and the two never wait on each other's rows.
 */
const SCORES_LOCK_KEY = `hashtext('rapport.analytics.scores')`;

/** Days since the last purchase as of $1, whole days, never negative; the same rule as rfm.model's recencyDays. */
const DAYS = `greatest(0, floor(extract(epoch FROM ($1::timestamptz - last_purchase_at)) / 86400))::int`;

@Injectable()
export class RfmRepository {
  constructor(private readonly dataSource: DataSource) {}

  async addPurchase(
    manager: EntityManager,
    purchase: { customerId: string; occurredAt: string; totalBase: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.customer_value_facts AS f
         (customer_id, first_purchase_at, last_purchase_at, purchase_count, monetary)
       VALUES ($1, $2, $2, 1, $3)
       ON CONFLICT (customer_id) DO UPDATE SET
         first_purchase_at = LEAST(f.first_purchase_at, EXCLUDED.first_purchase_at),
         last_purchase_at  = GREATEST(f.last_purchase_at, EXCLUDED.last_purchase_at),
         purchase_count    = f.purchase_count + 1,
         monetary          = f.monetary + EXCLUDED.monetary,
         updated_at        = now()`,
      [purchase.customerId, purchase.occurredAt, purchase.totalBase],
    );
  }

  /** A refund nets the value; it does not undo the purchase (the customer still bought, then). */
  async addRefund(manager: EntityManager, refund: { customerId: string; amountBase: string }): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.customer_value_facts AS f (customer_id, monetary, refunded)
       VALUES ($1, -$2::numeric, $2)
       ON CONFLICT (customer_id) DO UPDATE SET
         monetary   = f.monetary - EXCLUDED.refunded,
         refunded   = f.refunded + EXCLUDED.refunded,
         updated_at = now()`,
      [refund.customerId, refund.amountBase],
    );
  }

  async findFacts(manager: EntityManager | null, customerId: string): Promise<ValueFactsRecord | undefined> {
    const [row] = await (manager ?? this.dataSource.manager).query(
      `SELECT customer_id, first_purchase_at, last_purchase_at, purchase_count, monetary::float8 AS monetary,
              refunded::float8 AS refunded
       FROM analytics.customer_value_facts WHERE customer_id = $1`,
      [customerId],
    );
    return row ? toFacts(row) : undefined;
  }

  async findScore(manager: EntityManager | null, customerId: string): Promise<ScoreRecord | undefined> {
    const [row] = await (manager ?? this.dataSource.manager).query(
      `SELECT customer_id, recency, frequency, monetary, value_tier, recency_days, purchase_count,
              monetary_value::float8 AS monetary_value, last_purchase_at, cuts, computed_at, run_id
       FROM analytics.customer_scores WHERE customer_id = $1`,
      [customerId],
    );
    return row ? toScore(row) : undefined;
  }

  async saveScore(manager: EntityManager, score: ScoreRecord): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.customer_scores
         (customer_id, recency, frequency, monetary, value_tier, recency_days, purchase_count, monetary_value,
          last_purchase_at, cuts, computed_at, run_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (customer_id) DO UPDATE SET
         recency = EXCLUDED.recency, frequency = EXCLUDED.frequency, monetary = EXCLUDED.monetary,
         value_tier = EXCLUDED.value_tier, recency_days = EXCLUDED.recency_days,
         purchase_count = EXCLUDED.purchase_count, monetary_value = EXCLUDED.monetary_value,
         last_purchase_at = EXCLUDED.last_purchase_at, cuts = EXCLUDED.cuts,
         computed_at = EXCLUDED.computed_at, run_id = EXCLUDED.run_id`,
      [
        score.customerId,
        score.recency,
        score.frequency,
        score.monetary,
        score.valueTier,
        score.recencyDays,
        score.purchaseCount,
        score.monetaryValue,
        score.lastPurchaseAt,
        JSON.stringify(score.cuts),
        score.computedAt,
        score.runId,
      ],
    );
  }

  /** The cut points of the latest full run that saw any customer with purchases. */
  async latestRunCuts(manager: EntityManager): Promise<ScoringCuts | null> {
    const [row] = await manager.query(
      `SELECT cuts FROM analytics.scoring_runs
       WHERE finished_at IS NOT NULL AND customers > 0 AND cuts IS NOT NULL
       ORDER BY started_at DESC LIMIT 1`,
    );
    return row ? (row.cuts as ScoringCuts) : null;
  }

  /**
   * The cut points over every customer with purchases as of `now`, in one pass: the quintiles
   * (percentile_disc) and the Pareto cut, each customer's "value before"
   * being the value of the customers strictly above them. Linear after the sorts: 100k customers took
   * over 10 minutes with a window frame excluding the peers, which PostgreSQL recomputes row by row. Null when nobody bought anything.
   */
  async computeCuts(manager: EntityManager, now: Date, aShare: number, bShare: number): Promise<ScoringCuts | null> {
    const [row] = await manager.query(
      `WITH f AS (
         SELECT ${DAYS} AS days, purchase_count AS freq, monetary::float8 AS monetary
         FROM analytics.customer_value_facts WHERE purchase_count > 0
       ), pos AS (
         -- the running sum through the customer's peers (equal values) less the peers' own sum: a
         -- frame with EXCLUDE GROUP would say the same but makes PostgreSQL re-sum every frame (O(n²))
         SELECT monetary,
                sum(monetary) OVER (ORDER BY monetary DESC) - sum(monetary) OVER (PARTITION BY monetary) AS before
         FROM f WHERE monetary > 0
       ), tot AS (SELECT coalesce(sum(monetary), 0)::float8 AS total FROM pos)
       SELECT
         (SELECT count(*) FROM f)::int AS customers,
         (SELECT percentile_disc(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY days) FROM f) AS recency,
         (SELECT percentile_disc(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY freq) FROM f) AS frequency,
         (SELECT percentile_disc(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY monetary) FROM f) AS monetary,
         tot.total,
         (SELECT min(monetary) FROM pos WHERE before < $2 * tot.total) AS a_min,
         (SELECT min(monetary) FROM pos WHERE before < $3 * tot.total) AS b_min
       FROM tot`,
      [now, aShare, bShare],
    );
    if (!row || row.customers === 0) return null;
    return {
      recencyDays: row.recency.map(Number) as CutPoints,
      frequency: row.frequency.map(Number) as CutPoints,
      monetary: row.monetary.map(Number) as CutPoints,
      tier: {
        aShare,
        bShare,
        totalValue: Number(row.total),
        aMinValue: row.a_min === null ? null : Number(row.a_min),
        bMinValue: row.b_min === null ? null : Number(row.b_min),
      },
    };
  }

  /**
   * Takes the run's lock for this transaction, or answers false when another replica holds it: the
   * full run happens once however many replicas tick.
   */
  async tryLockRun(manager: EntityManager): Promise<boolean> {
    const [row] = await manager.query(`SELECT pg_try_advisory_xact_lock(${RUN_LOCK_KEY}) AS locked`);
    return row.locked === true;
  }

  /** Incremental rescoring, before it writes scores; held to the end of the transaction. */
  async lockScoresShared(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock_shared(${SCORES_LOCK_KEY})`);
  }

  /** The full run, before it reads the facts; waits for the rescoring transactions in flight. */
  async lockScoresExclusive(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(${SCORES_LOCK_KEY})`);
  }

  async anyBuyer(manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM analytics.customer_value_facts WHERE purchase_count > 0 LIMIT 1`,
    );
    return rows.length > 0;
  }

  async lastRunStartedAt(manager: EntityManager): Promise<Date | null> {
    const [row] = await manager.query(
      `SELECT started_at FROM analytics.scoring_runs WHERE finished_at IS NOT NULL ORDER BY started_at DESC LIMIT 1`,
    );
    return row ? row.started_at : null;
  }

  async recordRun(
    manager: EntityManager,
    run: { id: string; startedAt: Date; customers: number; changed: number; cuts: ScoringCuts | null },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.scoring_runs (id, started_at, customers, changed, cuts) VALUES ($1, $2, $3, $4, $5)`,
      [run.id, run.startedAt, run.customers, run.changed, run.cuts === null ? null : JSON.stringify(run.cuts)],
    );
  }

  async finishRun(
    manager: EntityManager,
    run: {
      id: string;
      customers: number;
      changed: number;
      cuts: ScoringCuts | null;
      /** ms per step of the run (StepTimer) */
      timings: Record<string, number>;
    },
  ): Promise<void> {
    await manager.query(
      `UPDATE analytics.scoring_runs SET finished_at = clock_timestamp(), customers = $2, changed = $3, cuts = $4,
              timings = $5
       WHERE id = $1`,
      [
        run.id,
        run.customers,
        run.changed,
        run.cuts === null ? null : JSON.stringify(run.cuts),
        JSON.stringify(run.timings),
      ],
    );
  }

  async findRun(manager: EntityManager | null, runId: string): Promise<RunRecord | undefined> {
    const [row] = await (manager ?? this.dataSource.manager).query(
      `SELECT id, started_at, finished_at, customers, changed FROM analytics.scoring_runs WHERE id = $1`,
      [runId],
    );
    return row
      ? {
          id: row.id,
          startedAt: row.started_at,
          finishedAt: row.finished_at,
          customers: row.customers,
          changed: row.changed,
        }
      : undefined;
  }

  /**
   * Scores every customer with purchases against `cuts` in one statement and records the inputs, the
   * cut points and the run on each; answers the customers whose scores or tier changed (or who had
   * none), which are the ones to publish. The scoring mirrors rfm.model's scoreCustomer.
   */
  async scoreAll(
    manager: EntityManager,
    run: { id: string; now: Date; cuts: ScoringCuts },
  ): Promise<{ customers: number; changed: Array<RfmScores & { customerId: string }> }> {
    const { cuts } = run;
    const rows: Array<Record<string, unknown>> = await manager.query(
      `WITH f AS (
         SELECT customer_id, ${DAYS} AS days, purchase_count, monetary::float8 AS m, monetary, last_purchase_at
         FROM analytics.customer_value_facts WHERE purchase_count > 0
       ), s AS (
         SELECT f.*,
           5 - (SELECT count(*) FROM unnest($2::float8[]) c WHERE f.days > c)::int AS recency,
           1 + (SELECT count(*) FROM unnest($3::float8[]) c WHERE f.purchase_count > c)::int AS frequency,
           1 + (SELECT count(*) FROM unnest($4::float8[]) c WHERE f.m > c)::int AS monetary_score,
           CASE WHEN f.m > 0 AND $5::float8 IS NOT NULL AND f.m >= $5::float8 THEN 'A'
                WHEN f.m > 0 AND $6::float8 IS NOT NULL AND f.m >= $6::float8 THEN 'B'
                ELSE 'C' END AS value_tier
         FROM f
       ), old AS (
         SELECT customer_id, recency, frequency, monetary, value_tier FROM analytics.customer_scores
       ), up AS (
         INSERT INTO analytics.customer_scores
           (customer_id, recency, frequency, monetary, value_tier, recency_days, purchase_count, monetary_value,
            last_purchase_at, cuts, computed_at, run_id)
         SELECT customer_id, recency, frequency, monetary_score, value_tier, days, purchase_count, monetary,
                last_purchase_at, $7::jsonb, $1, $8 FROM s
         ON CONFLICT (customer_id) DO UPDATE SET
           recency = EXCLUDED.recency, frequency = EXCLUDED.frequency, monetary = EXCLUDED.monetary,
           value_tier = EXCLUDED.value_tier, recency_days = EXCLUDED.recency_days,
           purchase_count = EXCLUDED.purchase_count, monetary_value = EXCLUDED.monetary_value,
           last_purchase_at = EXCLUDED.last_purchase_at, cuts = EXCLUDED.cuts,
           computed_at = EXCLUDED.computed_at, run_id = EXCLUDED.run_id
         RETURNING customer_id, recency, frequency, monetary, value_tier
       )
       SELECT up.customer_id, up.recency, up.frequency, up.monetary, up.value_tier,
              (old.customer_id IS NULL
               OR (old.recency, old.frequency, old.monetary, old.value_tier)
                  IS DISTINCT FROM (up.recency, up.frequency, up.monetary, up.value_tier)) AS changed
       FROM up LEFT JOIN old USING (customer_id)`,
      [
        run.now,
        cuts.recencyDays,
        cuts.frequency,
        cuts.monetary,
        cuts.tier.aMinValue,
        cuts.tier.bMinValue,
        JSON.stringify(cuts),
        run.id,
      ],
    );
    return {
      customers: rows.length,
      changed: rows
        .filter((r) => r['changed'] === true)
        .map((r) => ({
          customerId: r['customer_id'] as string,
          recency: Number(r['recency']),
          frequency: Number(r['frequency']),
          monetary: Number(r['monetary']),
          valueTier: r['value_tier'] as ValueTier,
        })),
    };
  }

  /** The current scores of some customers (those whose churn risk alone moved in a full run). */
  async scoresOf(manager: EntityManager, customerIds: string[]): Promise<Array<RfmScores & { customerId: string }>> {
    if (customerIds.length === 0) return [];
    const rows: Array<Record<string, unknown>> = await manager.query(
      `SELECT customer_id, recency, frequency, monetary, value_tier FROM analytics.customer_scores
       WHERE customer_id = ANY($1::uuid[])`,
      [customerIds],
    );
    return rows.map((r) => ({
      customerId: r['customer_id'] as string,
      recency: Number(r['recency']),
      frequency: Number(r['frequency']),
      monetary: Number(r['monetary']),
      valueTier: r['value_tier'] as ValueTier,
    }));
  }

  /**
   * On a merge the survivor's facts are the sum of both (first and last purchase the earliest and
   * latest); the merged id's facts and scores go. The caller rescores the survivor.
   */
  async rekey(manager: EntityManager, mergedId: string, survivorId: string): Promise<boolean> {
    const moved: unknown[] = await manager.query(
      `WITH gone AS (DELETE FROM analytics.customer_value_facts WHERE customer_id = $1 RETURNING *)
       INSERT INTO analytics.customer_value_facts AS f
         (customer_id, first_purchase_at, last_purchase_at, purchase_count, monetary, refunded)
       SELECT $2, first_purchase_at, last_purchase_at, purchase_count, monetary, refunded FROM gone
       ON CONFLICT (customer_id) DO UPDATE SET
         first_purchase_at = LEAST(f.first_purchase_at, EXCLUDED.first_purchase_at),
         last_purchase_at  = GREATEST(f.last_purchase_at, EXCLUDED.last_purchase_at),
         purchase_count    = f.purchase_count + EXCLUDED.purchase_count,
         monetary          = f.monetary + EXCLUDED.monetary,
         refunded          = f.refunded + EXCLUDED.refunded,
         updated_at        = now()
       RETURNING customer_id`,
      [mergedId, survivorId],
    );
    await manager.query(`DELETE FROM analytics.customer_scores WHERE customer_id = $1`, [mergedId]);
    return moved.length > 0;
  }

  /** Returns how many rows of each kind went (the erasure acknowledgement counts them). */
  async erase(manager: EntityManager, customerId: string): Promise<{ valueFacts: number; scores: number }> {
    const [, scores]: [unknown[], number] = await manager.query(
      `DELETE FROM analytics.customer_scores WHERE customer_id = $1`,
      [customerId],
    );
    const [, valueFacts]: [unknown[], number] = await manager.query(
      `DELETE FROM analytics.customer_value_facts WHERE customer_id = $1`,
      [customerId],
    );
    return { valueFacts, scores };
  }
}

function toFacts(row: Record<string, unknown>): ValueFactsRecord {
  return {
    customerId: row['customer_id'] as string,
    firstPurchaseAt: (row['first_purchase_at'] as Date | null) ?? null,
    lastPurchaseAt: (row['last_purchase_at'] as Date | null) ?? null,
    purchaseCount: Number(row['purchase_count']),
    monetary: Number(row['monetary']),
    refunded: Number(row['refunded']),
  };
}

function toScore(row: Record<string, unknown>): ScoreRecord {
  return {
    customerId: row['customer_id'] as string,
    recency: Number(row['recency']),
    frequency: Number(row['frequency']),
    monetary: Number(row['monetary']),
    valueTier: row['value_tier'] as ValueTier,
    recencyDays: Number(row['recency_days']),
    purchaseCount: Number(row['purchase_count']),
    monetaryValue: Number(row['monetary_value']),
    lastPurchaseAt: row['last_purchase_at'] as Date,
    cuts: row['cuts'] as ScoringCuts,
    computedAt: row['computed_at'] as Date,
    runId: (row['run_id'] as string | null) ?? null,
  };
}
