import { addCalendarMonths } from '@rapport/platform-business-calendar';
import { z } from 'zod';
import { parseDecimal, SCALE } from '../ledger/money';

/**
 * The loyalty programme: earn rules, point validity and tiers. Multipliers are whole percentages
 * (125 = ×1.25) and money thresholds are decimal strings in the base currency, so that nothing here
 * is ever a float.
 */
const decimal = z.string().regex(/^\d+(\.\d{1,4})?$/, 'a decimal amount such as "1000.00"');

/** Points in the programme's rules fit the ledger's sums (a billion, as the API's points bounds). */
const PROGRAMME_POINTS_MAX = 1_000_000_000;

export const TierSchema = z.object({
  code: z.string().min(1).max(40),
  name: z.string().min(1).max(100),
  /** Qualifies with this much net spend in the base currency in the rolling window… */
  minSpend: decimal,
  /** …or with this many points earned in the rolling window. */
  minPoints: z.number().int().nonnegative().max(PROGRAMME_POINTS_MAX),
  multiplierPct: z.number().int().min(100).max(1000),
});

export const ProgrammeSchema = z.object({
  name: z.string().min(1).max(200),
  baseCurrency: z.string().regex(/^[A-Z]{3}$/),
  /** Points per whole unit of base currency, before multipliers; the result is rounded down. */
  pointsPerUnit: z.number().int().positive().max(1000),
  /** Extra multiplier for lines of a category (200 = the line earns double). */
  categoryBonusPct: z.record(z.string(), z.number().int().min(100).max(1000)),
  campaigns: z.array(
    z.object({
      name: z.string().min(1).max(200),
      from: z.iso.datetime({ offset: true }),
      until: z.iso.datetime({ offset: true }),
      multiplierPct: z.number().int().min(100).max(1000),
    }),
  ),
  perOrderCap: z.number().int().positive().max(PROGRAMME_POINTS_MAX),
  validityMonths: z.number().int().min(1).max(120),
  qualificationMonths: z.number().int().min(1).max(36),
  expiringSoonDays: z.number().int().min(1).max(365),
  /** Points for both sides when a referred customer's purchase of at least minPurchase completes a referral. */
  referral: z
    .object({
      referrerPoints: z.number().int().nonnegative().max(PROGRAMME_POINTS_MAX),
      referredPoints: z.number().int().nonnegative().max(PROGRAMME_POINTS_MAX),
      minPurchase: decimal,
    })
    .default({ referrerPoints: 500, referredPoints: 200, minPurchase: '100.00' }),
  /** Lowest first. A member below the first tier has no tier (null). */
  tiers: z
    .array(TierSchema)
    .min(1)
    .refine((tiers) => new Set(tiers.map((t) => t.code)).size === tiers.length, 'tier codes must be unique')
    .refine(
      (tiers) =>
        tiers.every(
          (t, i) =>
            i === 0 ||
            (parseDecimal(t.minSpend) > parseDecimal(tiers[i - 1]!.minSpend) && t.minPoints > tiers[i - 1]!.minPoints),
        ),
      'tiers must be listed lowest first, each with higher thresholds than the one before',
    ),
});

export type Programme = z.infer<typeof ProgrammeSchema>;
export type Tier = z.infer<typeof TierSchema>;

/** The demo programme the migration seeds, so a purchase earns points out of the box. */
export const DEMO_PROGRAMME: Programme = {
  name: 'Rapport Rewards',
  baseCurrency: 'CNY',
  pointsPerUnit: 1,
  categoryBonusPct: { electronics: 200 },
  campaigns: [],
  perOrderCap: 50_000,
  validityMonths: 12,
  qualificationMonths: 12,
  expiringSoonDays: 30,
  referral: { referrerPoints: 500, referredPoints: 200, minPurchase: '100.00' },
  tiers: [
    { code: 'silver', name: 'Silver', minSpend: '1000.00', minPoints: 1000, multiplierPct: 110 },
    { code: 'gold', name: 'Gold', minSpend: '5000.00', minPoints: 5000, multiplierPct: 125 },
    { code: 'platinum', name: 'Platinum', minSpend: '20000.00', minPoints: 20000, multiplierPct: 150 },
  ],
};

export interface PurchaseForEarn {
  total: string;
  totalBase: string;
  lines: ReadonlyArray<{ category?: string | undefined; lineTotal: string }>;
  occurredAt: string;
}

/**
 * Points for a purchase: each line's share of the base-currency total, times its category bonus,
 * times the member's tier multiplier (the tier held before this purchase) and any running campaign,
 * rounded down and capped per order. Integer arithmetic only.
 */
export function pointsForPurchase(programme: Programme, purchase: PurchaseForEarn, tierCode: string | null): number {
  const totalBase = parseDecimal(purchase.totalBase);
  const total = parseDecimal(purchase.total);
  if (totalBase <= 0n || total <= 0n) return 0;
  let weighted = 0n; // base amount (scaled) × category percent
  let allocated = 0n;
  purchase.lines.forEach((line, index) => {
    const lineTotal = parseDecimal(line.lineTotal);
    // The last line takes the remainder so the lines' base shares add up to the total exactly.
    const share = index === purchase.lines.length - 1 ? totalBase - allocated : (totalBase * lineTotal) / total;
    allocated += share;
    const bonus = BigInt((line.category && programme.categoryBonusPct[line.category]) || 100);
    weighted += (share > 0n ? share : 0n) * bonus;
  });
  const tier = programme.tiers.find((t) => t.code === tierCode);
  const tierPct = BigInt(tier?.multiplierPct ?? 100);
  const at = Date.parse(purchase.occurredAt);
  const campaignPct = programme.campaigns
    .filter((c) => Date.parse(c.from) <= at && at < Date.parse(c.until))
    .reduce((pct, c) => (pct * BigInt(c.multiplierPct)) / 100n, 100n);
  const points = (weighted * tierPct * campaignPct * BigInt(programme.pointsPerUnit)) / (SCALE * 100n * 100n * 100n);
  return Number(points > BigInt(programme.perOrderCap) ? BigInt(programme.perOrderCap) : points);
}

export function expiryOf(programme: Programme, earnedAt: Date): Date {
  return addCalendarMonths(earnedAt, programme.validityMonths);
}

/** The highest tier whose spend or points threshold the window reaches; null below the first. */
export function qualifyingTier(programme: Programme, window: { spend: bigint; points: number }): string | null {
  let best: string | null = null;
  for (const tier of programme.tiers) {
    if (window.spend >= parseDecimal(tier.minSpend) || window.points >= tier.minPoints) best = tier.code;
  }
  return best;
}

export function tierRank(programme: Programme, code: string | null): number {
  return code === null ? 0 : programme.tiers.findIndex((t) => t.code === code) + 1;
}

export type TierDecision =
  { change: false } | { change: true; to: string | null; periodEndsAt: Date | null; reason: string };

/** After a purchase: upgrade at once when the window crosses a higher threshold, never downgrade. */
export function tierAfterPurchase(
  programme: Programme,
  current: string | null,
  qualifying: string | null,
  at: Date,
): TierDecision {
  if (tierRank(programme, qualifying) <= tierRank(programme, current)) return { change: false };
  return {
    change: true,
    to: qualifying,
    periodEndsAt: addCalendarMonths(at, programme.qualificationMonths),
    reason: 'qualified by purchase',
  };
}

/**
 * At the end of the qualification period: keep (and renew) a tier still earned, move down to the
 * tier the window now supports otherwise. Nothing happens before the period ends.
 */
export function tierAtReview(
  programme: Programme,
  current: string | null,
  periodEndsAt: Date | null,
  qualifying: string | null,
  asOf: Date,
): TierDecision {
  if (current === null || periodEndsAt === null || periodEndsAt > asOf) return { change: false };
  const renewedUntil = addCalendarMonths(asOf, programme.qualificationMonths);
  if (tierRank(programme, qualifying) >= tierRank(programme, current)) {
    return {
      change: true,
      to: qualifying,
      periodEndsAt: renewedUntil,
      reason: qualifying === current ? 'requalified' : 'qualified at review',
    };
  }
  return {
    change: true,
    to: qualifying,
    periodEndsAt: qualifying === null ? null : renewedUntil,
    reason: 'qualification period ended',
  };
}
