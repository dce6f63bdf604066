/** Counts of each score given to one question. */
export type ScoreCounts = ReadonlyMap<number, number>;

export interface Nps {
  score: number;
  promoters: number;
  passives: number;
  detractors: number;
  n: number;
  ci95Low: number;
  ci95High: number;
}

const Z_95 = 1.959964;

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;
const total = (counts: ScoreCounts) => [...counts.values()].reduce((a, b) => a + b, 0);

/**
 * Net Promoter Score over integer answers 0–10: % promoters (9–10) − % detractors (0–6), every answer in
 * exactly one bucket. The 95 % interval is the normal approximation of the difference of two
 * proportions of one multinomial sample: var = (p + d − (p − d)²) / n. Null without answers.
 */
export function nps(counts: ScoreCounts): Nps | null {
  const n = total(counts);
  if (n === 0) return null;
  let promoters = 0;
  let detractors = 0;
  for (const [score, count] of counts) {
    if (score >= 9) promoters += count;
    else if (score <= 6) detractors += count;
  }
  const p = promoters / n;
  const d = detractors / n;
  const half = Z_95 * Math.sqrt(Math.max(0, p + d - (p - d) ** 2) / n);
  return {
    score: round((p - d) * 100, 1),
    promoters,
    passives: n - promoters - detractors,
    detractors,
    n,
    ci95Low: round(Math.max(-1, p - d - half) * 100, 1),
    ci95High: round(Math.min(1, p - d + half) * 100, 1),
  };
}

/** CSAT: the share of 4 and 5 among answers 1–5, in %; null without answers. */
export function csat(counts: ScoreCounts): { percent: number; satisfied: number; n: number } | null {
  const n = total(counts);
  if (n === 0) return null;
  let satisfied = 0;
  for (const [score, count] of counts) if (score >= 4) satisfied += count;
  return { percent: round((satisfied / n) * 100, 1), satisfied, n };
}

/** The mean score to two decimals; null without answers. */
export function mean(counts: ScoreCounts): number | null {
  const n = total(counts);
  if (n === 0) return null;
  let sum = 0;
  for (const [score, count] of counts) sum += score * count;
  return round(sum / n, 2);
}
