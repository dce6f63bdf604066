import { BgNbdModel, utcDay, type BgNbdParams } from '../clv/clv.model';

/**
 * Churn warning (issue 16, item 3): a risk in [0, 1] that a customer has stopped buying, with the
 * drivers that made it. The base is the probability the customer is no longer "alive", 1 − P(alive):
 * from the current BG/NBD fit for customers with a repeat purchase; otherwise (no fit, or a single
 * purchase, for which BG/NBD's P(alive) is 1 by construction) a recency estimate: with g the
 * customer's mean gap between purchase days (DEFAULT_GAP_DAYS for a single purchase) and d the days
 * since the last, P(alive) = 1 while d ≤ g, then exp(−(d − g)/g). Service signals move the risk on
 * the log-odds scale: a last contact older than NO_CONTACT_DAYS, open complaints, a low last survey
 * score (NPS 0–6, CSAT 1–2) within LOW_SURVEY_DAYS.
 *
 *   risk = σ( logit(clamp(1 − P(alive), 0.01, 0.99)) + Σ weights )
 *
 * The full run computes the same in SQL (churn.repository.ts SCORE_ALL_SQL); the integration spec checks they agree.
 */

export const DEFAULT_GAP_DAYS = 90;
export const NO_CONTACT_DAYS = 90;
export const LOW_SURVEY_DAYS = 180;
export const WEIGHTS = {
  noRecentContact: 0.5,
  /** per open complaint, for at most two */
  openComplaint: 0.75,
  lowSurveyScore: 1,
} as const;
export const MAX_COUNTED_COMPLAINTS = 2;
const MIN_BASE = 0.01;
const MAX_BASE = 0.99;
const DAY_MS = 86_400_000;

export interface PurchaseHistory {
  /** Repeat transactions: distinct purchase days − 1. */
  frequency: number;
  firstPurchaseDay: number;
  lastPurchaseDay: number;
}

export interface ActivitySignals {
  lastContactAt: Date | null;
  openComplaints: number;
  lastSurveyScore: number | null;
  lastSurveyKind: string | null;
  lastSurveyAt: Date | null;
}

export type ChurnDriverName = 'p-alive' | 'no-recent-contact' | 'open-complaints' | 'low-survey-score';

export interface ChurnDriver {
  driver: ChurnDriverName;
  /** Its share of the log-odds: the base's logit for p-alive, the weight for the others. */
  weight: number;
  detail: string;
}

export interface ChurnAssessment {
  risk: number;
  pAlive: number;
  method: 'bgnbd' | 'recency';
  daysSinceLastPurchase: number;
  /** The drivers that raised the risk, largest first (p-alive always, with its own sign). */
  drivers: ChurnDriver[];
}

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The recency estimate: 1 while the days since the last purchase are within the customer's usual gap, then decaying. */
export function recencyPAlive(history: PurchaseHistory, today: number): number {
  const gap =
    history.frequency > 0
      ? Math.max(1, (history.lastPurchaseDay - history.firstPurchaseDay) / history.frequency)
      : DEFAULT_GAP_DAYS;
  const days = Math.max(0, today - history.lastPurchaseDay);
  return days <= gap ? 1 : Math.exp(-(days - gap) / gap);
}

export function assessChurn(
  history: PurchaseHistory,
  signals: ActivitySignals | null,
  bgnbd: BgNbdParams | null,
  now: Date,
): ChurnAssessment {
  const today = utcDay(now);
  const daysSinceLastPurchase = Math.max(0, today - history.lastPurchaseDay);
  const useBgNbd = bgnbd !== null && history.frequency > 0;
  const pAlive = useBgNbd
    ? new BgNbdModel(bgnbd).pAlive(
        history.frequency,
        (history.lastPurchaseDay - history.firstPurchaseDay) / 7,
        Math.max(0, today - history.firstPurchaseDay) / 7,
      )
    : recencyPAlive(history, today);
  const base = logit(Math.min(MAX_BASE, Math.max(MIN_BASE, 1 - pAlive)));
  const drivers: ChurnDriver[] = [
    {
      driver: 'p-alive',
      weight: base,
      detail: `P(alive) ${pAlive.toFixed(3)} by ${useBgNbd ? 'BG/NBD' : 'recency'}; ${daysSinceLastPurchase} days since the last purchase`,
    },
  ];
  if (signals) {
    const { lastContactAt, openComplaints, lastSurveyScore, lastSurveyKind, lastSurveyAt } = signals;
    if (lastContactAt && now.getTime() - lastContactAt.getTime() > NO_CONTACT_DAYS * DAY_MS)
      drivers.push({
        driver: 'no-recent-contact',
        weight: WEIGHTS.noRecentContact,
        detail: `last contact ${Math.floor((now.getTime() - lastContactAt.getTime()) / DAY_MS)} days ago`,
      });
    if (openComplaints > 0)
      drivers.push({
        driver: 'open-complaints',
        weight: WEIGHTS.openComplaint * Math.min(openComplaints, MAX_COUNTED_COMPLAINTS),
        detail: `${openComplaints} open complaint${openComplaints === 1 ? '' : 's'}`,
      });
    if (
      lastSurveyScore !== null &&
      lastSurveyAt &&
      now.getTime() - lastSurveyAt.getTime() <= LOW_SURVEY_DAYS * DAY_MS &&
      isLowScore(lastSurveyKind, lastSurveyScore)
    )
      drivers.push({
        driver: 'low-survey-score',
        weight: WEIGHTS.lowSurveyScore,
        detail: `last ${lastSurveyKind} score ${lastSurveyScore}`,
      });
  }
  const risk = sigmoid(drivers.reduce((sum, d) => sum + d.weight, 0));
  return {
    risk,
    pAlive,
    method: useBgNbd ? 'bgnbd' : 'recency',
    daysSinceLastPurchase,
    drivers: drivers.sort((p, q) => q.weight - p.weight),
  };
}

/** NPS 0–6 (a detractor) or CSAT 1–2; other kinds are not read as low. */
export function isLowScore(kind: string | null, score: number): boolean {
  if (kind === 'nps') return score <= 6;
  if (kind === 'csat') return score <= 2;
  return false;
}

/** Crossing upwards: at or above the threshold now, and below it (or never assessed) before. */
export function crossedUpward(previous: number | null, current: number, threshold: number): boolean {
  return current >= threshold && (previous === null || previous < threshold);
}

export interface BacktestRow {
  risk: number;
  daysSinceLastPurchase: number;
  churned: boolean;
  weight: number;
}

/**
 * Precision and recall of "risk ≥ threshold" against who did not buy in the horizon, and the
 * baseline that flags as many customers by longest time since the last purchase (ties at the
 * cut share it pro rata); lift = model precision / baseline precision.
 */
export function evaluateBacktest(rows: readonly BacktestRow[], threshold: number) {
  const total = rows.reduce((s, r) => s + r.weight, 0);
  const churned = rows.reduce((s, r) => s + (r.churned ? r.weight : 0), 0);
  const flagged = rows.filter((r) => r.risk >= threshold);
  const flaggedCount = flagged.reduce((s, r) => s + r.weight, 0);
  const hits = flagged.reduce((s, r) => s + (r.churned ? r.weight : 0), 0);
  const byDays = new Map<number, { weight: number; churned: number }>();
  for (const r of rows) {
    const bucket = byDays.get(r.daysSinceLastPurchase) ?? { weight: 0, churned: 0 };
    bucket.weight += r.weight;
    bucket.churned += r.churned ? r.weight : 0;
    byDays.set(r.daysSinceLastPurchase, bucket);
  }
  let left = flaggedCount;
  let baselineHits = 0;
  for (const [, bucket] of [...byDays].sort((p, q) => q[0] - p[0])) {
    if (left <= 0) break;
    const take = Math.min(left, bucket.weight);
    baselineHits += (bucket.churned * take) / bucket.weight;
    left -= take;
  }
  const precision = flaggedCount > 0 ? hits / flaggedCount : null;
  const baselinePrecision = flaggedCount > 0 ? baselineHits / flaggedCount : null;
  return {
    customers: total,
    churned,
    churnRate: total > 0 ? churned / total : null,
    flagged: flaggedCount,
    precision,
    recall: churned > 0 ? hits / churned : null,
    baseline: {
      rule: 'the same number of customers, longest since the last purchase first',
      precision: baselinePrecision,
      recall: churned > 0 ? baselineHits / churned : null,
    },
    lift: precision !== null && baselinePrecision ? precision / baselinePrecision : null,
  };
}

/** customer-profile's bands: loyal below 0.3, at risk from 0.7. */
export const RISK_BANDS = [0.3, 0.7] as const;
const band = (risk: number) => RISK_BANDS.filter((b) => risk >= b).length;

/**
 * Whether a new risk is worth a customer.scored of its own: the first one, a move of 0.05 or more, or
 * a crossing of one of customer-profile's thresholds. Small daily drift is not published.
 */
export function riskMoved(previous: number | null, current: number): boolean {
  return previous === null || Math.abs(current - previous) >= 0.05 || band(previous) !== band(current);
}
