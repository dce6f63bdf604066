import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Evaluation, MetricFigures, ModelSettings } from './recommendations.model';

export interface BuildSettings extends ModelSettings {
  k: number;
  /** Customers held out at most (a sample by md5 of their id); null: all. */
  evalCustomers: number | null;
}

export interface BuildRecord {
  id: string;
  trigger: 'schedule' | 'request';
  startedAt: Date;
  finishedAt: Date;
  baskets: number;
  skus: number;
  /** SKU pairs bought together at least minCoCount times. */
  pairs: number;
  /** Neighbour rows kept (at most `neighbours` per SKU). */
  neighbours: number;
  settings: BuildSettings;
  evaluation: Evaluation;
  /** Milliseconds each step of the build took. */
  timings: Record<string, number>;
}

export interface CustomerHistory {
  baskets: number;
  skus: string[];
}

export interface NeighbourScore {
  sku: string;
  score: number;
  because: Array<{ sku: string; baskets: number; cosine: number }>;
}

/** Held by the replica building the model: a build happens once at a time across replicas. */
const BUILD_LOCK_KEY = `hashtext('rapport.analytics.recommendation-build')`;
/** How many of the most bought SKUs a build keeps for the popularity list (cold start and fallback). */
export const POPULARITY_KEPT = 1000;

/**
 * Scores are compared rounded to 9 decimals, as recommendations.model's roundScore does: a sum of
 * cosines in another order differs in its last bits, and equal scores must tie (then go by SKU).
 */
const SCORE_SCALE = '1e9::float8';
/**
 * A build is a batch job of a few large sorts and hash aggregates (pairs, neighbours, candidates): with
 * PostgreSQL's default 4 MB they spill to disk many times over.
 */
const BUILD_WORK_MEM = '256MB';

/** A purchase is a basket unless it was fully refunded (the ledger's contract). */
const COUNTED = `NOT (p.refunded_base > 0 AND p.refunded_base >= p.total_base)`;

@Injectable()
export class RecommendationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The build's lock for this transaction, or false when another replica is building. */
  async tryLockBuild(manager: EntityManager): Promise<boolean> {
    const [row] = await manager.query(`SELECT pg_try_advisory_xact_lock(${BUILD_LOCK_KEY}) AS locked`);
    return row.locked === true;
  }

  /** For the rest of the build's transaction. */
  async tuneForBuild(manager: EntityManager): Promise<void> {
    await manager.query(`SET LOCAL work_mem = '${BUILD_WORK_MEM}'`);
  }

  async anyBasket(manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM analytics.purchases p
       WHERE ${COUNTED} AND EXISTS (SELECT 1 FROM analytics.purchase_lines l WHERE l.purchase_id = p.purchase_id)
       LIMIT 1`,
    );
    return rows.length > 0;
  }

  /**
   * The baskets of this build, in a temporary table: one row per purchase and distinct SKU, marked
   * held out when it is the customer's last basket (latest occurred_at, then highest purchase id), they
   * have at least two, and they are among the first `maxCustomers` such customers by md5 of their id
   * (all when null).
   */
  async stageBaskets(manager: EntityManager, maxCustomers: number | null): Promise<{ baskets: number; skus: number }> {
    await manager.query(
      `CREATE TEMP TABLE rec_items ON COMMIT DROP AS
       WITH b AS (
         SELECT p.purchase_id, p.customer_id,
                row_number() OVER (PARTITION BY p.customer_id ORDER BY p.occurred_at DESC, p.purchase_id DESC) AS latest,
                count(*) OVER (PARTITION BY p.customer_id) AS baskets
         FROM analytics.purchases p
         WHERE ${COUNTED} AND EXISTS (SELECT 1 FROM analytics.purchase_lines l WHERE l.purchase_id = p.purchase_id)
       ),
       held AS (
         SELECT purchase_id FROM b WHERE latest = 1 AND baskets >= 2 ORDER BY md5(customer_id::text) LIMIT $1
       )
       SELECT b.purchase_id, b.customer_id, l.sku, (held.purchase_id IS NOT NULL) AS held_out
       FROM b JOIN analytics.purchase_lines l USING (purchase_id) LEFT JOIN held USING (purchase_id)
       GROUP BY b.purchase_id, b.customer_id, l.sku, held.purchase_id`,
      [maxCustomers],
    );
    await manager.query(`ANALYZE rec_items`);
    const [row] = await manager.query(
      `SELECT count(DISTINCT purchase_id)::int AS baskets, count(DISTINCT sku)::int AS skus FROM rec_items`,
    );
    return { baskets: row.baskets, skus: row.skus };
  }

  /**
   * The one self-join of the build: every pair of SKUs in a staged basket counted once (a.sku < b.sku),
   * over all baskets and over the held-out ones, and each SKU's baskets likewise. The training model's
   * counts are the differences (a held-out basket is a whole purchase), so the evaluation needs no
   * second pass over the baskets.
   */
  async countPairs(manager: EntityManager): Promise<void> {
    await manager.query(`
      CREATE TEMP TABLE rec_pairs ON COMMIT DROP AS
      SELECT a.sku AS a, b.sku AS b, count(*)::int AS co, (count(*) FILTER (WHERE a.held_out))::int AS held_co
      FROM rec_items a JOIN rec_items b ON b.purchase_id = a.purchase_id AND a.sku < b.sku
      GROUP BY a.sku, b.sku`);
    await manager.query(`
      CREATE TEMP TABLE rec_counts ON COMMIT DROP AS
      SELECT sku, count(*)::float8 AS n, (count(*) FILTER (WHERE held_out))::float8 AS held_n
      FROM rec_items GROUP BY sku`);
  }

  /**
   * The co-occurrence model from the pair counts (all baskets, or the training ones), as
   * recommendations.model's buildModel states it: pairs below the support dropped, turned both ways,
   * cosine and lift, the top `neighbours` per SKU kept, into a temporary table; the build's are then
   * copied into analytics.recommendation_neighbours, one row per SKU. Answers the pairs found and the
   * neighbours kept.
   */
  async buildNeighbours(
    manager: EntityManager,
    target: { buildId: string } | { training: true },
    settings: ModelSettings,
  ): Promise<{ pairs: number; kept: number }> {
    const training = 'training' in target;
    const table = training ? 'rec_train_neighbours' : 'rec_model_neighbours';
    const co = training ? 'co - held_co' : 'co';
    const n = training ? 'n - held_n' : 'n';
    await manager.query(
      `CREATE TEMP TABLE ${table} (sku text, rank int, neighbour text, co_count int, cosine float8, lift float8)
       ON COMMIT DROP`,
    );
    const [row] = await manager.query(
      `WITH counts AS (SELECT sku, ${n} AS n FROM rec_counts),
       total AS (
         SELECT count(DISTINCT purchase_id)::float8 AS n FROM rec_items ${training ? 'WHERE NOT held_out' : ''}
       ),
       pairs AS (SELECT a, b, ${co} AS co FROM rec_pairs WHERE ${co} >= $1),
       both_ways AS (SELECT a AS sku, b AS neighbour, co FROM pairs UNION ALL SELECT b, a, co FROM pairs),
       ranked AS (
         SELECT x.sku, x.neighbour, x.co, x.co / sqrt(ci.n * cj.n) AS cosine, x.co * total.n / (ci.n * cj.n) AS lift,
                row_number() OVER (PARTITION BY x.sku
                                   ORDER BY x.co / sqrt(ci.n * cj.n) DESC, x.co DESC, x.neighbour COLLATE "C") AS rank
         FROM both_ways x JOIN counts ci ON ci.sku = x.sku JOIN counts cj ON cj.sku = x.neighbour CROSS JOIN total
       ),
       kept AS (
         INSERT INTO ${table} (sku, rank, neighbour, co_count, cosine, lift)
         SELECT sku, rank, neighbour, co, cosine, lift FROM ranked WHERE rank <= $2
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM pairs)::int AS pairs, (SELECT count(*) FROM kept)::int AS kept`,
      [settings.minCoCount, settings.neighbours],
    );
    if (training) await manager.query(`ANALYZE ${table}`);
    // One row per SKU, its neighbours in rank order: a build writes as many rows as there are SKUs.
    else
      await manager.query(
        `INSERT INTO analytics.recommendation_neighbours (build_id, sku, neighbours, co_counts, cosines, lifts)
         SELECT $1, sku, array_agg(neighbour ORDER BY rank), array_agg(co_count ORDER BY rank),
                array_agg(cosine ORDER BY rank), array_agg(lift ORDER BY rank)
         FROM ${table} GROUP BY sku ORDER BY sku`,
        [target.buildId],
      );
    return { pairs: row.pairs, kept: row.kept };
  }

  /** The most bought SKUs over all baskets, for the customers the model has nothing for. */
  async savePopularity(manager: EntityManager, buildId: string): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.recommendation_popularity (build_id, rank, sku, baskets)
       SELECT $1, rank, sku, baskets FROM (
         SELECT sku, count(*)::int AS baskets, row_number() OVER (ORDER BY count(*) DESC, sku COLLATE "C") AS rank
         FROM rec_items GROUP BY sku
       ) p WHERE rank <= $2`,
      [buildId, POPULARITY_KEPT],
    );
  }

  /**
   * recommendations.model's evaluate in SQL, over the staged baskets and the training neighbours: the
   * targets are each held-out basket's SKUs the customer had not bought in training; a target's place
   * in the model's list comes from ranking the customer's candidates, its place in the popularity list
   * is its training rank less the customer's own SKUs ranked above it (they are left out).
   */
  async evaluate(manager: EntityManager, k: number): Promise<Evaluation> {
    await manager.query(`
      CREATE TEMP TABLE rec_eval_history ON COMMIT DROP AS
      SELECT DISTINCT i.customer_id, i.sku FROM rec_items i
      WHERE NOT i.held_out AND i.customer_id IN (SELECT customer_id FROM rec_items WHERE held_out)`);
    await manager.query(`
      CREATE TEMP TABLE rec_eval_targets ON COMMIT DROP AS
      SELECT DISTINCT i.customer_id, i.sku FROM rec_items i
      WHERE i.held_out
        AND NOT EXISTS (SELECT 1 FROM rec_eval_history h WHERE h.customer_id = i.customer_id AND h.sku = i.sku)`);
    await manager.query(`ANALYZE rec_eval_history`);
    await manager.query(`ANALYZE rec_eval_targets`);
    const summary = `
      SELECT count(*)::int AS customers, count(g.dcg)::int AS hits, coalesce(sum(g.dcg / ideal.v), 0)::float8 AS ndcg
      FROM evaluated e LEFT JOIN gains g USING (customer_id)
      CROSS JOIN LATERAL (SELECT sum(ln(2::float8) / ln((r + 1)::float8)) AS v FROM generate_series(1, e.m) r) ideal`;
    const evaluated = `evaluated AS (
      SELECT customer_id, least(count(*), $1)::int AS m FROM rec_eval_targets GROUP BY customer_id)`;
    const [model] = await manager.query(
      `WITH ${evaluated},
       cand AS (
         SELECT h.customer_id, n.neighbour AS sku, round(sum(n.cosine) * ${SCORE_SCALE}) AS score
         FROM rec_eval_history h
         JOIN evaluated e USING (customer_id)
         JOIN rec_train_neighbours n ON n.sku = h.sku
         GROUP BY h.customer_id, n.neighbour
       ),
       ranked AS (
         SELECT c.customer_id, c.sku,
                row_number() OVER (PARTITION BY c.customer_id ORDER BY c.score DESC, c.sku COLLATE "C") AS pos
         FROM cand c
         WHERE NOT EXISTS (SELECT 1 FROM rec_eval_history x WHERE x.customer_id = c.customer_id AND x.sku = c.sku)
       ),
       gains AS (
         SELECT r.customer_id, sum(ln(2::float8) / ln((r.pos + 1)::float8)) AS dcg
         FROM ranked r JOIN rec_eval_targets t USING (customer_id, sku)
         WHERE r.pos <= $1 GROUP BY r.customer_id
       )
       ${summary}`,
      [k],
    );
    const [baseline] = await manager.query(
      `WITH ${evaluated},
       pop AS (
         SELECT sku, row_number() OVER (ORDER BY count(*) DESC, sku COLLATE "C") AS rnk
         FROM rec_items WHERE NOT held_out GROUP BY sku
       ),
       hist AS (SELECT h.customer_id, p.rnk FROM rec_eval_history h JOIN pop p USING (sku)),
       tpos AS (
         SELECT t.customer_id, t.sku, p.rnk - count(h.rnk) AS pos
         FROM rec_eval_targets t JOIN pop p USING (sku)
         LEFT JOIN hist h ON h.customer_id = t.customer_id AND h.rnk < p.rnk
         GROUP BY t.customer_id, t.sku, p.rnk
       ),
       gains AS (
         SELECT customer_id, sum(ln(2::float8) / ln((pos + 1)::float8)) AS dcg FROM tpos WHERE pos <= $1
         GROUP BY customer_id
       )
       ${summary}`,
      [k],
    );
    const [counts] = await manager.query(
      `SELECT (SELECT count(*) FROM (SELECT 1 FROM rec_items GROUP BY customer_id
                                     HAVING count(DISTINCT purchase_id) >= 2) AS e)::int AS eligible,
              (SELECT count(DISTINCT customer_id) FROM rec_items WHERE held_out)::int AS with_holdout,
              (SELECT count(DISTINCT purchase_id) FROM rec_items WHERE NOT held_out)::int AS training`,
    );
    const customers: number = model.customers;
    const figures = (row: { hits: number; ndcg: number }): MetricFigures => ({
      hits: row.hits,
      hitRate: customers === 0 ? 0 : row.hits / customers,
      ndcg: customers === 0 ? 0 : row.ndcg / customers,
    });
    return {
      k,
      customersEligible: counts.eligible,
      customersWithHoldout: counts.with_holdout,
      customersEvaluated: customers,
      customersSkipped: counts.with_holdout - customers,
      trainingBaskets: counts.training,
      model: figures(model),
      baseline: figures(baseline),
    };
  }

  async recordBuild(manager: EntityManager, build: BuildRecord): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.recommendation_builds
         (id, trigger, started_at, finished_at, baskets, skus, pairs, neighbours, settings, evaluation, timings)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        build.id,
        build.trigger,
        build.startedAt,
        build.finishedAt,
        build.baskets,
        build.skus,
        build.pairs,
        build.neighbours,
        JSON.stringify(build.settings),
        JSON.stringify(build.evaluation),
        JSON.stringify(build.timings),
      ],
    );
  }

  async finishBuild(manager: EntityManager, build: BuildRecord): Promise<void> {
    await manager.query(
      `UPDATE analytics.recommendation_builds
       SET finished_at = $2, pairs = $3, neighbours = $4, evaluation = $5, timings = $6 WHERE id = $1`,
      [
        build.id,
        build.finishedAt,
        build.pairs,
        build.neighbours,
        JSON.stringify(build.evaluation),
        JSON.stringify(build.timings),
      ],
    );
  }

  /** Only the latest build's neighbours and popularity are read; the builds' figures stay as history. */
  async dropOlderModels(manager: EntityManager, keepBuildId: string): Promise<void> {
    await manager.query(`DELETE FROM analytics.recommendation_neighbours WHERE build_id <> $1`, [keepBuildId]);
    await manager.query(`DELETE FROM analytics.recommendation_popularity WHERE build_id <> $1`, [keepBuildId]);
  }

  async latestBuild(manager: EntityManager | null): Promise<BuildRecord | null> {
    const [row] = await (manager ?? this.dataSource.manager).query(
      `SELECT id, trigger, started_at, finished_at, baskets, skus, pairs, neighbours, settings, evaluation, timings
       FROM analytics.recommendation_builds ORDER BY started_at DESC, finished_at DESC LIMIT 1`,
    );
    return row ? toBuild(row) : null;
  }

  /** Whether analytics has heard of the customer: created (customer facts) or buying. */
  async customerKnown(customerId: string): Promise<boolean> {
    const [row] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM analytics.customer_facts WHERE customer_id = $1)
           OR EXISTS (SELECT 1 FROM analytics.purchases WHERE customer_id = $1) AS known`,
      [customerId],
    );
    return row.known === true;
  }

  /** What the customer bought, now (not as of the build): their baskets and distinct SKUs. */
  async customerHistory(customerId: string): Promise<CustomerHistory> {
    const [row] = await this.dataSource.query(
      `SELECT count(DISTINCT p.purchase_id)::int AS baskets,
              coalesce(array_agg(DISTINCT l.sku) FILTER (WHERE l.sku IS NOT NULL), '{}') AS skus
       FROM analytics.purchases p JOIN analytics.purchase_lines l USING (purchase_id)
       WHERE p.customer_id = $1 AND ${COUNTED}`,
      [customerId],
    );
    return { baskets: row.baskets, skus: row.skus };
  }

  /** recommendations.model's recommend over the build's neighbours. */
  async scoreNeighbours(
    buildId: string,
    history: readonly string[],
    options: { k: number; excludePurchased: boolean },
  ): Promise<NeighbourScore[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT x.neighbour AS sku, round(sum(x.cosine) * ${SCORE_SCALE}) / ${SCORE_SCALE} AS score,
              jsonb_agg(jsonb_build_object('sku', n.sku, 'baskets', x.co_count, 'cosine', x.cosine)
                        ORDER BY x.cosine DESC, n.sku COLLATE "C") AS because
       FROM analytics.recommendation_neighbours n
       CROSS JOIN LATERAL unnest(n.neighbours, n.co_counts, n.cosines) AS x (neighbour, co_count, cosine)
       WHERE n.build_id = $1 AND n.sku = ANY($2::text[]) AND NOT ($3 AND x.neighbour = ANY($2::text[]))
       GROUP BY x.neighbour
       ORDER BY score DESC, x.neighbour COLLATE "C"
       LIMIT $4`,
      [buildId, history, options.excludePurchased, options.k],
    );
    return rows.map((r) => ({
      sku: r['sku'] as string,
      score: Number(r['score']),
      because: r['because'] as NeighbourScore['because'],
    }));
  }

  async popular(
    buildId: string,
    history: readonly string[],
    options: { k: number; excludePurchased: boolean },
  ): Promise<Array<{ sku: string; baskets: number }>> {
    const rows: Array<{ sku: string; baskets: number }> = await this.dataSource.query(
      `SELECT sku, baskets FROM analytics.recommendation_popularity
       WHERE build_id = $1 AND NOT ($3 AND sku = ANY($2::text[]))
       ORDER BY rank LIMIT $4`,
      [buildId, history, options.excludePurchased, options.k],
    );
    return rows.map((r) => ({ sku: r.sku, baskets: Number(r.baskets) }));
  }
}

function toBuild(row: Record<string, unknown>): BuildRecord {
  return {
    id: row['id'] as string,
    trigger: row['trigger'] as BuildRecord['trigger'],
    startedAt: row['started_at'] as Date,
    finishedAt: row['finished_at'] as Date,
    baskets: Number(row['baskets']),
    skus: Number(row['skus']),
    pairs: Number(row['pairs']),
    neighbours: Number(row['neighbours']),
    settings: row['settings'] as BuildSettings,
    evaluation: row['evaluation'] as Evaluation,
    timings: row['timings'] as Record<string, number>,
  };
}
