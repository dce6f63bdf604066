/**
 * RFM and value tiers as pure rules. The full run computes the same thing set-based in SQL
 * (rfm.repository.ts); these functions score one customer incrementally and are the reference the
 * tests hold the SQL to.
 */

/**
 * Four cut points: the 20th, 40th, 60th and 80th percentiles (percentile_disc, as PostgreSQL computes them). */
export type CutPoints = readonly [number, number, number, number];

export interface ValueFacts {
  /** Whole days since the last purchase. */
  recencyDays: number;
  /** Number of purchases. */
  frequency: number;
  /** Net value in the base currency: purchases minus refunds; negative after refunds larger than the purchases known. */
  monetary: number;
}

export interface TierCut {
  /** Share of the total value the A customers make up (0–1). */
  aShare: number;
  /** Cumulative share up to which customers are B (aShare–1). */
  bShare: number;
  /** Total positive value of all customers with purchases. */
  totalValue: number;
  /** Lowest value that is still A; null when nobody is (no positive value). */
  aMinValue: number | null;
  /** Lowest value that is still B (or A); null when nobody is. */
  bMinValue: number | null;
}

export interface ScoringCuts {
  recencyDays: CutPoints;
  frequency: CutPoints;
  monetary: CutPoints;
  tier: TierCut;
}

export type ValueTier = 'A' | 'B' | 'C';

export interface RfmScores {
  recency: number;
  frequency: number;
  monetary: number;
  valueTier: ValueTier;
}

const QUANTILES = [0.2, 0.4, 0.6, 0.8] as const;

/**
 * The quintile cut points of a set of values: for each quantile q the smallest value whose position
 * in ascending order is at least q·n (percentile_disc). Null for an empty set.
 */
export function quintileCuts(values: readonly number[]): CutPoints | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
  return QUANTILES.map(at) as unknown as CutPoints;
}

/** 1–5, higher for a higher value: one more for each cut point the value is above. Equal values score equally. */
export function scoreHigherIsBetter(value: number, cuts: CutPoints): number {
  return 1 + cuts.filter((cut) => value > cut).length;
}

/**
 * 1–5, higher for a lower value (recency: fewer days since the last purchase is better): one less for
 * each cut point the value is above. Equal values score equally; when everyone bought on the same day
 * all score 5 (the mirror image of scoreHigherIsBetter, where everyone equal scores 1).
 */
export function scoreLowerIsBetter(value: number, cuts: CutPoints): number {
  return 5 - cuts.filter((cut) => value > cut).length;
}

/**
 * The Pareto cut on value: customers sorted by value, highest first, are A while the value of the
 * customers strictly above them is below aShare of the total, then B up to bShare, then C. Customers
 * with equal values share a tier; value ≤ 0 is never A or B.
 */
export function tierCut(values: readonly number[], aShare: number, bShare: number): TierCut {
  if (!(aShare > 0 && aShare <= 1 && bShare >= aShare && bShare <= 1))
    throw new RangeError(`tier shares must satisfy 0 < A (${aShare}) ≤ B (${bShare}) ≤ 1`);
  const positive = values.filter((v) => v > 0).sort((a, b) => b - a);
  const totalValue = positive.reduce((sum, v) => sum + v, 0);
  let aMinValue: number | null = null;
  let bMinValue: number | null = null;
  let before = 0; // value of the customers strictly above the current group of equal values
  for (let i = 0; i < positive.length;) {
    const value = positive[i]!;
    let group = 0;
    while (i < positive.length && positive[i] === value) group += positive[i++]!;
    if (before < aShare * totalValue) aMinValue = value;
    if (before < bShare * totalValue) bMinValue = value;
    before += group;
  }
  return { aShare, bShare, totalValue, aMinValue, bMinValue };
}

export function tierOf(value: number, cut: TierCut): ValueTier {
  if (value <= 0) return 'C';
  if (cut.aMinValue !== null && value >= cut.aMinValue) return 'A';
  if (cut.bMinValue !== null && value >= cut.bMinValue) return 'B';
  return 'C';
}

/** The cut points of a whole customer base; null when nobody bought anything. */
export function scoringCuts(customers: readonly ValueFacts[], aShare: number, bShare: number): ScoringCuts | null {
  const recencyDays = quintileCuts(customers.map((c) => c.recencyDays));
  const frequency = quintileCuts(customers.map((c) => c.frequency));
  const monetary = quintileCuts(customers.map((c) => c.monetary));
  if (!recencyDays || !frequency || !monetary) return null;
  return {
    recencyDays,
    frequency,
    monetary,
    tier: tierCut(
      customers.map((c) => c.monetary),
      aShare,
      bShare,
    ),
  };
}

/** One customer's scores against given cut points. */
export function scoreCustomer(facts: ValueFacts, cuts: ScoringCuts): RfmScores {
  return {
    recency: scoreLowerIsBetter(facts.recencyDays, cuts.recencyDays),
    frequency: scoreHigherIsBetter(facts.frequency, cuts.frequency),
    monetary: scoreHigherIsBetter(facts.monetary, cuts.monetary),
    valueTier: tierOf(facts.monetary, cuts.tier),
  };
}

const DAY_MS = 86_400_000;

/** Whole days from the last purchase to now; a purchase dated in the future counts as today. */
export function recencyDays(lastPurchaseAt: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - lastPurchaseAt.getTime()) / DAY_MS));
}

export function sameScores(a: RfmScores, b: RfmScores | null): boolean {
  return (
    b !== null &&
    a.recency === b.recency &&
    a.frequency === b.frequency &&
    a.monetary === b.monetary &&
    a.valueTier === b.valueTier
  );
}
