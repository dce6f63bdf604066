import { createHash } from 'node:crypto';

/**
 * Item-item co-occurrence recommendations, stated once in plain code: the reference the SQL of
 * recommendations.repository.ts follows (and that the integration spec holds it against), and what the
 * unit spec checks by hand.
 *
 * - A basket is one purchase's distinct SKUs; a fully refunded purchase is no basket.
 * - n(i): baskets holding i; c(i, j): baskets holding both.
 * - Similarity: cosine of the two items' basket vectors (0/1 per basket), c(i, j) / sqrt(n(i) · n(j)),
 *   1 when the two are always bought together, small when one of them is everywhere. Lift,
 *   c(i, j) · N / (n(i) · n(j)) with N baskets, is kept for the analyst but does not rank.
 * - Each SKU keeps its `neighbours` most similar SKUs (cosine, then c(i, j), then SKU), pairs bought
 *   together in fewer than `minCoCount` baskets dropped.
 * - A customer's score for j is the sum of cos(i, j) over the SKUs i they bought that keep j as a
 *   neighbour (rounded to 9 decimals); their own SKUs are left out unless asked; ties go by SKU.
 * - Popularity: SKUs by the number of baskets holding them, then by SKU.
 *
 * SKUs compare by UTF-16 code unit here and by "C" collation in SQL: the same order for the ASCII codes
 * SKUs are.
 */

export interface Basket {
  purchaseId: string;
  customerId: string;
  occurredAt: Date;
  skus: readonly string[];
}

export interface Neighbour {
  neighbour: string;
  coCount: number;
  cosine: number;
  lift: number;
}

export interface ModelSettings {
  /** Neighbours kept per SKU. */
  neighbours: number;
  /** Fewest baskets a pair must share to count. */
  minCoCount: number;
}

export interface CoOccurrenceModel {
  baskets: number;
  /** By SKU, best first. */
  neighbours: ReadonlyMap<string, readonly Neighbour[]>;
  /** Every SKU by the baskets holding it, most first. */
  popularity: ReadonlyArray<{ sku: string; baskets: number }>;
}

export interface Recommendation {
  sku: string;
  score: number;
  /** The customer's SKUs that drove it, the strongest first. */
  because: Array<{ sku: string; baskets: number; cosine: number }>;
}

/**
 * Scores are sums of cosines, and a sum's last bits depend on the order of its terms (which SQL does
 * not fix): rounded to 9 decimals, equal scores are equal everywhere and their tie goes by SKU.
 */
export const roundScore = (score: number): number => Math.round(score * 1e9) / 1e9;

export const compareSku = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Each basket's distinct SKUs. */
export function distinctSkus(basket: Pick<Basket, 'skus'>): string[] {
  return [...new Set(basket.skus)];
}

export function buildModel(baskets: readonly Pick<Basket, 'skus'>[], settings: ModelSettings): CoOccurrenceModel {
  const counts = new Map<string, number>();
  const pairs = new Map<string, Map<string, number>>();
  for (const basket of baskets) {
    const skus = distinctSkus(basket);
    for (const a of skus) {
      counts.set(a, (counts.get(a) ?? 0) + 1);
      for (const b of skus) {
        if (a === b) continue;
        const row = pairs.get(a) ?? new Map<string, number>();
        row.set(b, (row.get(b) ?? 0) + 1);
        pairs.set(a, row);
      }
    }
  }
  const neighbours = new Map<string, Neighbour[]>();
  for (const [sku, row] of pairs) {
    const list: Neighbour[] = [];
    for (const [other, coCount] of row) {
      if (coCount < settings.minCoCount) continue;
      const ni = counts.get(sku)!;
      const nj = counts.get(other)!;
      list.push({
        neighbour: other,
        coCount,
        cosine: coCount / Math.sqrt(ni * nj),
        lift: (coCount * baskets.length) / (ni * nj),
      });
    }
    list.sort((x, y) => y.cosine - x.cosine || y.coCount - x.coCount || compareSku(x.neighbour, y.neighbour));
    if (list.length > 0) neighbours.set(sku, list.slice(0, settings.neighbours));
  }
  const popularity = [...counts]
    .map(([sku, n]) => ({ sku, baskets: n }))
    .sort((x, y) => y.baskets - x.baskets || compareSku(x.sku, y.sku));
  return { baskets: baskets.length, neighbours, popularity };
}

/** The k best SKUs for someone who bought `history`. */
export function recommend(
  model: Pick<CoOccurrenceModel, 'neighbours'>,
  history: ReadonlySet<string>,
  options: { k: number; excludePurchased: boolean },
): Recommendation[] {
  const found = new Map<string, Recommendation>();
  for (const sku of history) {
    for (const n of model.neighbours.get(sku) ?? []) {
      if (options.excludePurchased && history.has(n.neighbour)) continue;
      const entry = found.get(n.neighbour) ?? { sku: n.neighbour, score: 0, because: [] };
      entry.score += n.cosine;
      entry.because.push({ sku, baskets: n.coCount, cosine: n.cosine });
      found.set(n.neighbour, entry);
    }
  }
  for (const entry of found.values()) {
    entry.score = roundScore(entry.score);
    entry.because.sort((x, y) => y.cosine - x.cosine || compareSku(x.sku, y.sku));
  }
  return [...found.values()].sort((x, y) => y.score - x.score || compareSku(x.sku, y.sku)).slice(0, options.k);
}

/** The k most bought SKUs, leaving out `history` unless asked. */
export function popular(
  model: Pick<CoOccurrenceModel, 'popularity'>,
  history: ReadonlySet<string>,
  options: { k: number; excludePurchased: boolean },
): Array<{ sku: string; baskets: number }> {
  return model.popularity.filter((p) => !options.excludePurchased || !history.has(p.sku)).slice(0, options.k);
}

/** "bought with TEA-POT in 3 baskets, CUP in 1 basket" */
export function reasonText(because: ReadonlyArray<{ sku: string; baskets: number }>): string {
  return `bought with ${because.map((b) => `${b.sku} in ${b.baskets} ${b.baskets === 1 ? 'basket' : 'baskets'}`).join(', ')}`;
}

/** 1 when any of the first k is a target. */
export function hitAtK(ranked: readonly string[], targets: ReadonlySet<string>, k: number): 0 | 1 {
  return ranked.slice(0, k).some((sku) => targets.has(sku)) ? 1 : 0;
}

/**
 * NDCG@k with binary relevance: DCG = Σ over positions r ≤ k holding a target of 1 / log2(r + 1),
 * divided by the best DCG possible, Σ_{r=1..min(k, |targets|)} 1 / log2(r + 1).
 */
export function ndcgAtK(ranked: readonly string[], targets: ReadonlySet<string>, k: number): number {
  if (targets.size === 0) return 0;
  let dcg = 0;
  ranked.slice(0, k).forEach((sku, index) => {
    if (targets.has(sku)) dcg += 1 / Math.log2(index + 2);
  });
  let ideal = 0;
  for (let r = 1; r <= Math.min(k, targets.size); r++) ideal += 1 / Math.log2(r + 1);
  return dcg / ideal;
}

export interface MetricFigures {
  /** Customers with a target among the first k. */
  hits: number;
  hitRate: number;
  ndcg: number;
}

export interface Evaluation {
  k: number;
  /** Customers with at least two baskets. */
  customersEligible: number;
  /** Those whose last basket was held out: all of them, or the sample of at most `maxCustomers`. */
  customersWithHoldout: number;
  /** Of those, the customers whose held-out basket holds a SKU they had not bought before. */
  customersEvaluated: number;
  /** Held-out baskets of SKUs the customer had all bought before: nothing to find, not counted. */
  customersSkipped: number;
  trainingBaskets: number;
  model: MetricFigures;
  baseline: MetricFigures;
}

/**
 * The time-based split: each customer's last basket (latest occurredAt, then highest purchase id) is
 * held out when they have at least two; the model and the popularity list are built from every other
 * basket. Each evaluated customer gets k recommendations from what they bought in training, their own
 * SKUs left out (the API's default); the targets are the held-out basket's SKUs they had not bought
 * before. Hit rate@k and NDCG@k are the means over the evaluated customers.
 *
 * With `maxCustomers`, only that many of them are held out: the ones first by md5 of their id (a fixed
 * sample that does not follow the data's order); every other basket stays in training.
 */
export function evaluate(
  baskets: readonly Basket[],
  settings: ModelSettings & { k: number; maxCustomers?: number | null },
): Evaluation {
  const byCustomer = new Map<string, Basket[]>();
  for (const basket of baskets) {
    const list = byCustomer.get(basket.customerId) ?? [];
    list.push(basket);
    byCustomer.set(basket.customerId, list);
  }
  const eligible = [...byCustomer.keys()]
    .filter((customerId) => byCustomer.get(customerId)!.length >= 2)
    .map((customerId) => ({ customerId, order: createHash('md5').update(customerId).digest('hex') }))
    .sort((x, y) => compareSku(x.order, y.order));
  const sample = settings.maxCustomers ? eligible.slice(0, settings.maxCustomers) : eligible;
  const heldOut = new Map<string, Basket>();
  for (const { customerId } of sample) {
    const last = [...byCustomer.get(customerId)!].sort(
      (x, y) => y.occurredAt.getTime() - x.occurredAt.getTime() || compareSku(y.purchaseId, x.purchaseId),
    )[0]!;
    heldOut.set(customerId, last);
  }
  const heldIds = new Set([...heldOut.values()].map((b) => b.purchaseId));
  const training = baskets.filter((b) => !heldIds.has(b.purchaseId));
  const model = buildModel(training, settings);
  const historyOf = new Map<string, Set<string>>();
  for (const basket of training) {
    const set = historyOf.get(basket.customerId) ?? new Set<string>();
    for (const sku of basket.skus) set.add(sku);
    historyOf.set(basket.customerId, set);
  }
  const sums = { model: { hits: 0, ndcg: 0 }, baseline: { hits: 0, ndcg: 0 } };
  let evaluated = 0;
  for (const [customerId, basket] of heldOut) {
    const history = historyOf.get(customerId) ?? new Set<string>();
    const targets = new Set(distinctSkus(basket).filter((sku) => !history.has(sku)));
    if (targets.size === 0) continue;
    evaluated++;
    const options = { k: settings.k, excludePurchased: true };
    const modelList = recommend(model, history, options).map((r) => r.sku);
    const baselineList = popular(model, history, options).map((p) => p.sku);
    sums.model.hits += hitAtK(modelList, targets, settings.k);
    sums.model.ndcg += ndcgAtK(modelList, targets, settings.k);
    sums.baseline.hits += hitAtK(baselineList, targets, settings.k);
    sums.baseline.ndcg += ndcgAtK(baselineList, targets, settings.k);
  }
  const figures = (s: { hits: number; ndcg: number }): MetricFigures => ({
    hits: s.hits,
    hitRate: evaluated === 0 ? 0 : s.hits / evaluated,
    ndcg: evaluated === 0 ? 0 : s.ndcg / evaluated,
  });
  return {
    k: settings.k,
    customersEligible: eligible.length,
    customersWithHoldout: heldOut.size,
    customersEvaluated: evaluated,
    customersSkipped: heldOut.size - evaluated,
    trainingBaskets: training.length,
    model: figures(sums.model),
    baseline: figures(sums.baseline),
  };
}
