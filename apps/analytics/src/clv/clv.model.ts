import { nelderMead } from '../numerics/nelder-mead';
import { hyp2f1, lnGamma } from './clv.numerics';

/**
 * Lifetime value (issue 16, item 2): BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the
 * easy way") for the number of repeat purchases and the probability a customer is still "alive", and
 * Gamma-Gamma (Fader & Hardie 2013, "The Gamma-Gamma model of monetary value") for the spend per
 * transaction. Time is in WEEKS throughout: α is a weekly scale (α in days would be 7 × α).
 *
 * Data as in the papers: purchases on the same (UTC) day are one transaction; frequency x = repeat
 * transactions (all but the first), recency t_x = weeks from the first to the last transaction,
 * T = weeks from the first transaction to the end of the calibration period; the Gamma-Gamma spend m
 * is the mean of a customer's repeat transactions (first excluded), fitted on customers with x > 0.
 */

export const DAYS_PER_WEEK = 7;

/** A customer's calibration summary in weeks; `weight` customers share it (rows collapse). */
export interface BgNbdRow {
  frequency: number;
  recency: number;
  T: number;
  weight: number;
}

/** A repeat buyer's spend summary: mean repeat transaction value `monetary`, `weight` customers share it. */
export interface SpendRow {
  frequency: number;
  monetary: number;
  weight: number;
}

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export enum ClvFitFailure {
  NotEnoughData = 'not-enough-data',
  NotConverged = 'not-converged',
}

/** A fit that cannot give parameters: too little data, or no start converged to an interior optimum. */
export class ClvFitError extends Error {
  constructor(
    readonly failure: ClvFitFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface FitOutcome<P> {
  params: P;
  /** Σ weight × ln L at the parameters. */
  logLikelihood: number;
  /** How many of the starts converged, and how many of those reached the best log-likelihood (within 1e-6 relative). */
  starts: { tried: number; converged: number; agreeing: number };
  iterations: number;
}

/**
 * Parameters are kept within [1e-6, 1e6]. An optimum within a factor 10 of a bound is a degenerate fit,
 * reported as not converged: the likelihood still rises along a ridge out there (e.g. a, b → ∞ with
 * a/(a+b) fixed: everyone drops out with the same probability), so the data does not identify the model.
 */
const LOG_BOUND = Math.log(1e6);
const AT_BOUND = Math.log(1e5);

/**
 * Above this many collapsed rows the starts are screened on a systematic sample of the rows (each
 * sampled row's weight scaled up, an unbiased estimate of the full log-likelihood) and only the best
 * sample optimum is then polished on all the rows: one start on the full data costs as much as all of
 * them on the sample.
 */
export const SCREENING_ROWS = 20_000;

export interface FitOptions {
  /** Rows above which starts are screened on a sample (default SCREENING_ROWS). */
  screeningRows?: number;
}

/**
 * Minimises −LL/N over the log-parameters from several starts; each start's Nelder–Mead is restarted
 * from its own optimum until a restart no longer improves it (the usual guard against a collapsed
 * simplex). The best converged start wins; none converged, or the best at a bound, is ClvFitError.
 * With `screening` (the objective on a sample), the starts run on it and the winner is polished on the full data.
 */
function fitLogParams(
  negMeanLl: (logParams: number[]) => number,
  starts: number[][],
  label: string,
  screening: ((logParams: number[]) => number) | null = null,
): { logParams: number[]; value: number; starts: FitOutcome<unknown>['starts']; iterations: number } {
  const bound = (f: (x: number[]) => number) => (x: number[]) =>
    x.some((v) => Math.abs(v) > LOG_BOUND) ? Number.NaN : f(x);
  let iterations = 0;
  const optimise = (f: (x: number[]) => number, start: number[], step: number) => {
    let result = nelderMead(f, start, { step });
    iterations += result.iterations;
    for (let restart = 0; restart < 5 && result.converged; restart++) {
      const again = nelderMead(f, result.x, { step: 0.1 });
      iterations += again.iterations;
      const improved = again.fx < result.fx - 1e-12 * (1 + Math.abs(result.fx));
      result = again.fx <= result.fx ? again : result;
      if (!improved) break;
    }
    return result;
  };
  const results = starts.map((start) => optimise(bound(screening ?? negMeanLl), start, 0.5));
  const converged = results.filter((r) => r.converged && Number.isFinite(r.fx));
  if (converged.length === 0)
    throw new ClvFitError(ClvFitFailure.NotConverged, `${label}: none of ${starts.length} starts converged`);
  let best = converged.reduce((p, q) => (q.fx < p.fx ? q : p));
  const agreeing = converged.filter((r) => Math.abs(r.fx - best.fx) <= 1e-6 * (1 + Math.abs(best.fx))).length;
  if (screening) {
    best = optimise(bound(negMeanLl), best.x, 0.1);
    if (!best.converged || !Number.isFinite(best.fx))
      throw new ClvFitError(ClvFitFailure.NotConverged, `${label}: the best start did not converge on all the data`);
  }
  if (best.x.some((v) => Math.abs(v) >= AT_BOUND))
    throw new ClvFitError(
      ClvFitFailure.NotConverged,
      `${label}: the likelihood is highest at a parameter bound (${best.x.map((v) => Math.exp(v).toPrecision(3)).join(', ')}); the data does not identify the model`,
    );
  return {
    logParams: best.x,
    value: best.fx,
    starts: { tried: starts.length, converged: converged.length, agreeing },
    iterations,
  };
}

/** Every k-th row, its weight × k, when there are more than `size` rows; null otherwise. */
function screeningSample<R extends { weight: number }>(rows: readonly R[], size: number): R[] | null {
  if (rows.length <= size) return null;
  const k = rows.length / size;
  const sample: R[] = [];
  for (let i = 0; i < size; i++) {
    const row = rows[Math.floor(i * k)]!;
    sample.push({ ...row, weight: row.weight * k });
  }
  return sample;
}

/** Rows grouped by frequency so the terms that depend on x alone are computed once per distinct x. */
export class BgNbdData {
  readonly xs: number[];
  readonly groups: Array<{ tx: Float64Array; T: Float64Array; w: Float64Array; weight: number }>;
  readonly customers: number;
  readonly meanT: number;

  constructor(rows: readonly BgNbdRow[]) {
    const byX = new Map<number, BgNbdRow[]>();
    let customers = 0;
    let sumT = 0;
    for (const row of rows) {
      if (row.weight <= 0) continue;
      if (!(row.frequency >= 0 && row.recency >= 0 && row.T >= row.recency))
        throw new RangeError(`invalid BG/NBD row ${JSON.stringify(row)}: needs x >= 0 and 0 <= t_x <= T`);
      (byX.get(row.frequency) ?? byX.set(row.frequency, []).get(row.frequency)!).push(row);
      customers += row.weight;
      sumT += row.weight * row.T;
    }
    this.xs = [...byX.keys()].sort((p, q) => p - q);
    this.groups = this.xs.map((x) => {
      const group = byX.get(x)!;
      return {
        tx: Float64Array.from(group, (r) => r.recency),
        T: Float64Array.from(group, (r) => r.T),
        w: Float64Array.from(group, (r) => r.weight),
        weight: group.reduce((s, r) => s + r.weight, 0),
      };
    });
    this.customers = customers;
    this.meanT = customers > 0 ? sumT / customers : 0;
  }
}

export class BgNbdModel {
  constructor(readonly params: BgNbdParams) {}

  /** ln L for one customer (FHL 2005, eq. 6), summed over the data in `logLikelihood`. */
  static customerLogLikelihood(params: BgNbdParams, x: number, tx: number, T: number): number {
    return BgNbdModel.logLikelihood(params, [{ frequency: x, recency: tx, T, weight: 1 }]);
  }

  /**
   * Σ w ln L with L = B(a, b+x)/B(a, b) · Γ(r+x) αʳ / (Γ(r) (α+T)^(r+x))
   *                 + [x > 0] B(a+1, b+x−1)/B(a, b) · Γ(r+x) αʳ / (Γ(r) (α+t_x)^(r+x)),
   * computed as ln A + ln(e^A₃ + [x>0] e^A₄) with A₃, A₄ shifted by their maximum (no underflow).
   */
  static logLikelihood(params: BgNbdParams, rows: readonly BgNbdRow[] | BgNbdData): number {
    const data = rows instanceof BgNbdData ? rows : new BgNbdData(rows);
    const { r, alpha, a, b } = params;
    const lnAlpha = Math.log(alpha);
    const shared = r * lnAlpha - lnGamma(r) + lnGamma(a + b) - lnGamma(b);
    const lnA_ = Math.log(a);
    let total = 0;
    for (let g = 0; g < data.xs.length; g++) {
      const x = data.xs[g]!;
      const { tx, T, w, weight } = data.groups[g]!;
      const lnX = lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x) + shared;
      const rx = r + x;
      const lnDrop = x > 0 ? lnA_ - Math.log(b + x - 1) : 0;
      let sum = 0;
      for (let i = 0; i < T.length; i++) {
        const a3 = -rx * Math.log(alpha + T[i]!);
        if (x > 0) {
          const a4 = lnDrop - rx * Math.log(alpha + tx[i]!);
          const m = a3 > a4 ? a3 : a4;
          sum += w[i]! * (m + Math.log(Math.exp(a3 - m) + Math.exp(a4 - m)));
        } else sum += w[i]! * a3;
      }
      total += weight * lnX + sum;
    }
    return total;
  }

  /** Maximum likelihood over the rows; ClvFitError when there is too little data or no start converges. */
  static fit(rows: readonly BgNbdRow[], options: FitOptions = {}): FitOutcome<BgNbdParams> {
    const data = new BgNbdData(rows);
    const repeaters = data.groups.reduce((s, g, i) => s + (data.xs[i]! > 0 ? g.weight : 0), 0);
    if (data.customers < 10 || repeaters < 2)
      throw new ClvFitError(
        ClvFitFailure.NotEnoughData,
        `BG/NBD needs at least 10 customers of whom 2 bought again in the calibration period (got ${data.customers} and ${repeaters})`,
      );
    const scale = Math.log(Math.max(data.meanT, 1e-3));
    const starts = [
      [0, scale, 0, 0],
      [Math.log(0.1), scale - Math.log(10), Math.log(0.1), Math.log(0.1)],
      [Math.log(0.5), scale, Math.log(2), Math.log(5)],
      [Math.log(2), scale + Math.log(5), Math.log(0.5), Math.log(2)],
    ];
    const toParams = (v: number[]): BgNbdParams => ({
      r: Math.exp(v[0]!),
      alpha: Math.exp(v[1]!),
      a: Math.exp(v[2]!),
      b: Math.exp(v[3]!),
    });
    const sample = screeningSample(
      rows.filter((r) => r.weight > 0),
      options.screeningRows ?? SCREENING_ROWS,
    );
    const sampleData = sample ? new BgNbdData(sample) : null;
    const fitted = fitLogParams(
      (v) => -BgNbdModel.logLikelihood(toParams(v), data) / data.customers,
      starts,
      'BG/NBD',
      sampleData ? (v) => -BgNbdModel.logLikelihood(toParams(v), sampleData) / sampleData.customers : null,
    );
    const params = toParams(fitted.logParams);
    return {
      params,
      logLikelihood: BgNbdModel.logLikelihood(params, data),
      starts: fitted.starts,
      iterations: fitted.iterations,
    };
  }

  /** P(alive | x, t_x, T) = 1 / (1 + [x > 0] · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) (FHL 2005, eq. 11). */
  pAlive(x: number, tx: number, T: number): number {
    if (x === 0) return 1;
    const { r, alpha, a, b } = this.params;
    const lnOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
    return 1 / (1 + Math.exp(lnOdds));
  }

  /**
   * E[X(t)] for a new customer, t weeks after their first transaction:
   * (a+b−1)/(a−1) · [1 − (α/(α+t))ʳ · 2F1(r, b; a+b−1; t/(α+t))] (FHL 2005, eq. 9). Never negative.
   */
  expectedPurchases(t: number): number {
    const { r, alpha, a, b } = this.params;
    return this.ratioTimesBracket(a + b - 1, r, b, alpha, t);
  }

  /**
   * E[Y(t) | x, t_x, T]: expected repeat transactions in the next t weeks of a customer with this
   * history (FHL 2005, eq. 10):
   * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))]
   *   / (1 + [x>0] · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)). Never negative.
   */
  conditionalExpectedPurchases(t: number, x: number, tx: number, T: number): number {
    const { r, alpha, a, b } = this.params;
    const numerator = this.ratioTimesBracket(a + b + x - 1, r + x, b + x, alpha + T, t);
    return Math.max(0, numerator * this.pAlive(x, tx, T));
  }

  /**
   * c/(a−1) · [1 − (s/(s+t))^k · 2F1(k, m; c; t/(s+t))]. Both factors change sign together at a = 1
   * (the bracket is ≥ 0 for a > 1, ≤ 0 below), so the product is ≥ 0; at a within 1e-9 of 1 the
   * limit is taken from either side (a nudged by 1e-7), and rounding below zero is clamped.
   */
  private ratioTimesBracket(c: number, k: number, m: number, s: number, t: number): number {
    if (t <= 0) return 0;
    const a = Math.abs(this.params.a - 1) < 1e-9 ? 1 + 1e-7 : this.params.a;
    const cc = c - this.params.a + a;
    const z = t / (s + t);
    const bracket = 1 - Math.exp(k * Math.log(s / (s + t))) * hyp2f1(k, m, cc, z);
    return Math.max(0, (cc / (a - 1)) * bracket);
  }
}

export class GammaGammaModel {
  constructor(readonly params: GammaGammaParams) {}

  /**
   * Σ w ln f(m | x) with f = Γ(px+q)/(Γ(px)Γ(q)) · γ^q · x^(px) · m^(px−1) / (γ + x m)^(px+q)
   * (Fader & Hardie 2013, eq. 4): the mean m of x transactions, each Gamma(p, ν), ν ~ Gamma(q, γ).
   */
  static logLikelihood(params: GammaGammaParams, rows: readonly SpendRow[]): number {
    const { p, q, gamma } = params;
    const shared = q * Math.log(gamma) - lnGamma(q);
    let total = 0;
    let lastX = Number.NaN;
    let lnX = 0;
    for (const row of rows) {
      const { frequency: x, monetary: m, weight: w } = row;
      if (x !== lastX) {
        lnX = lnGamma(p * x + q) - lnGamma(p * x) + p * x * Math.log(x) + shared;
        lastX = x;
      }
      total += w * (lnX + (p * x - 1) * Math.log(m) - (p * x + q) * Math.log(gamma + x * m));
    }
    return total;
  }

  static fit(rows: readonly SpendRow[], options: FitOptions = {}): FitOutcome<GammaGammaParams> {
    const usable = rows
      .filter((r) => r.weight > 0 && r.frequency > 0 && r.monetary > 0)
      .sort((p, q) => p.frequency - q.frequency);
    const customers = usable.reduce((s, r) => s + r.weight, 0);
    if (customers < 10)
      throw new ClvFitError(
        ClvFitFailure.NotEnoughData,
        `Gamma-Gamma needs at least 10 customers with repeat purchases of positive value (got ${customers})`,
      );
    const meanM = usable.reduce((s, r) => s + r.weight * r.monetary, 0) / customers;
    const lnM = Math.log(meanM);
    const starts = [
      [0, 0, lnM],
      [Math.log(5), Math.log(3), lnM],
      [Math.log(0.5), Math.log(2), lnM - 1],
      [Math.log(10), Math.log(10), lnM + 1],
    ];
    const toParams = (v: number[]): GammaGammaParams => ({
      p: Math.exp(v[0]!),
      q: Math.exp(v[1]!),
      gamma: Math.exp(v[2]!),
    });
    const sample = screeningSample(usable, options.screeningRows ?? SCREENING_ROWS);
    const sampleCustomers = sample?.reduce((s, r) => s + r.weight, 0) ?? 0;
    const fitted = fitLogParams(
      (v) => -GammaGammaModel.logLikelihood(toParams(v), usable) / customers,
      starts,
      'Gamma-Gamma',
      sample ? (v) => -GammaGammaModel.logLikelihood(toParams(v), sample) / sampleCustomers : null,
    );
    const params = toParams(fitted.logParams);
    if (params.q <= 1)
      throw new ClvFitError(
        ClvFitFailure.NotConverged,
        `Gamma-Gamma: q = ${params.q.toPrecision(3)} <= 1 means an unbounded mean spend; the data does not support a spend model`,
      );
    return {
      params,
      logLikelihood: GammaGammaModel.logLikelihood(params, usable),
      starts: fitted.starts,
      iterations: fitted.iterations,
    };
  }

  /** E[M] over customers: p γ / (q − 1). */
  populationMeanSpend(): number {
    const { p, q, gamma } = this.params;
    return (p * gamma) / (q - 1);
  }

  /**
   * E[M | x, m] = (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · m (Fader & Hardie 2013, eq. 5): a weighted
   * mean of the population's and the customer's own. A customer with no repeat purchase (or a mean of 0
   * or less after refunds) gets the population's. Never negative.
   */
  expectedSpend(x: number, m: number): number {
    const { p, q } = this.params;
    if (x <= 0 || !(m > 0)) return this.populationMeanSpend();
    const weight = (p * x) / (p * x + q - 1);
    return Math.max(0, (1 - weight) * this.populationMeanSpend() + weight * m);
  }
}

/** Undiscounted lifetime value over the next `horizonWeeks`: expected transactions × expected spend per transaction. */
export function customerLifetimeValue(
  bgnbd: BgNbdModel,
  spend: GammaGammaModel | null,
  customer: { frequency: number; recency: number; T: number; monetary: number },
  horizonWeeks: number,
) {
  const expectedPurchases = bgnbd.conditionalExpectedPurchases(
    horizonWeeks,
    customer.frequency,
    customer.recency,
    customer.T,
  );
  const expectedSpend = spend ? spend.expectedSpend(customer.frequency, customer.monetary) : null;
  return {
    horizonWeeks,
    expectedPurchases,
    pAlive: bgnbd.pAlive(customer.frequency, customer.recency, customer.T),
    expectedSpend,
    clv: expectedSpend === null ? null : Math.max(0, expectedPurchases * expectedSpend),
  };
}

/**
 * Customers who share (x, t_x, T) at one instant, with what their expected spends need: how many have
 * a repeat mean of positive value (`spenders`) and the sum of those means (`spendSum`).
 */
export interface ClvGroup {
  frequency: number;
  recency: number;
  T: number;
  customers: number;
  spenders: number;
  spendSum: number;
}

/**
 * Σ customerLifetimeValue(…).clv over a group's customers, without them one by one: E[Y | x, t_x, T]
 * is the group's, and E[M | x, m] = (1 − w)·E[M] + w·m with w = px/(px+q−1) in (0, 1) (q > 1 for any
 * fitted model) for a spender, E[M] for the others, so the spends add up from the group's counts and sum.
 */
export function groupLifetimeValue(
  bgnbd: BgNbdModel,
  spend: GammaGammaModel,
  group: ClvGroup,
  horizonWeeks: number,
): number {
  const purchases = bgnbd.conditionalExpectedPurchases(horizonWeeks, group.frequency, group.recency, group.T);
  const { p, q } = spend.params;
  const population = spend.populationMeanSpend();
  const w = group.frequency > 0 ? (p * group.frequency) / (p * group.frequency + q - 1) : 0;
  const spends = group.customers * population - group.spenders * w * population + w * group.spendSum;
  return Math.max(0, purchases * spends);
}

/** One purchase, netted of refunds, with the UTC day it happened on (days since the epoch). */
export interface DatedPurchase {
  customer: string;
  day: number;
  net: number;
}

export interface CustomerSummary {
  customer: string;
  frequency: number;
  recency: number;
  T: number;
  /** Mean net value of the repeat transactions; 0 when there is none. */
  monetary: number;
  firstDay: number;
}

/**
 * The papers' preparation, in memory (the repository does the same in SQL): purchases up to and
 * including `calibrationEndDay` grouped by customer and day (one transaction per day, its value the
 * day's sum), then x, t_x, T in weeks and the mean of the repeat transactions.
 */
export function summarise(purchases: readonly DatedPurchase[], calibrationEndDay: number): CustomerSummary[] {
  const days = new Map<string, Map<number, number>>();
  for (const p of purchases) {
    if (p.day > calibrationEndDay) continue;
    const byDay = days.get(p.customer) ?? days.set(p.customer, new Map()).get(p.customer)!;
    byDay.set(p.day, (byDay.get(p.day) ?? 0) + p.net);
  }
  return [...days].map(([customer, byDay]) => {
    const ordered = [...byDay].sort((p, q) => p[0] - q[0]);
    const firstDay = ordered[0]![0];
    const lastDay = ordered.at(-1)![0];
    const repeats = ordered.slice(1);
    return {
      customer,
      frequency: repeats.length,
      recency: (lastDay - firstDay) / DAYS_PER_WEEK,
      T: (calibrationEndDay - firstDay) / DAYS_PER_WEEK,
      monetary: repeats.length > 0 ? repeats.reduce((s, [, v]) => s + v, 0) / repeats.length : 0,
      firstDay,
    };
  });
}

/** Customers sharing (x, t_x, T) become one weighted row. */
export function collapse(summaries: readonly Pick<CustomerSummary, 'frequency' | 'recency' | 'T'>[]): BgNbdRow[] {
  const rows = new Map<string, BgNbdRow>();
  for (const s of summaries) {
    const key = `${s.frequency}|${s.recency}|${s.T}`;
    const row = rows.get(key);
    if (row) row.weight += 1;
    else rows.set(key, { frequency: s.frequency, recency: s.recency, T: s.T, weight: 1 });
  }
  return [...rows.values()];
}

/** Days since the Unix epoch of an instant's UTC calendar day. */
export function utcDay(instant: Date): number {
  return Math.floor(instant.getTime() / 86_400_000);
}
