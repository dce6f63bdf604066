import { addCalendarMonths } from '@rapport/platform-business-calendar';
import { tierRank, type Programme, type TierDecision } from '../programme/programme';

/** A member's tier as the merge finds it. */
export interface HeldTier {
  tier: string | null;
  periodEndsAt: Date | null;
}

/**
 * The survivor's tier after a merge. A merge never lowers either customer's status: the survivor
 * holds the highest of its own tier, the merged-away customer's tier (with that tier's review date)
 * and the tier the two customers' combined rolling window now qualifies for (upgraded at once with a
 * fresh qualification period, as a purchase crossing a threshold would be). Between equal tiers the
 * later review date wins. A lower status waits for the usual review at the end of its period.
 */
export function tierAfterMerge(
  programme: Programme,
  survivor: HeldTier,
  merged: HeldTier,
  qualifying: string | null,
  at: Date,
  mergedId: string,
): TierDecision {
  const later = (a: Date | null, b: Date | null) => (a?.getTime() ?? -Infinity) > (b?.getTime() ?? -Infinity);
  let best: HeldTier & { reason: string } = { ...survivor, reason: 'kept' };
  const rank = tierRank(programme, merged.tier) - tierRank(programme, best.tier);
  if (rank > 0 || (rank === 0 && merged.tier !== null && later(merged.periodEndsAt, best.periodEndsAt)))
    best = { ...merged, reason: `held by merged customer ${mergedId}` };
  // As after a purchase: only a higher tier than the one held moves, never a renewal of it.
  if (tierRank(programme, qualifying) > tierRank(programme, best.tier)) {
    best = {
      tier: qualifying,
      periodEndsAt: addCalendarMonths(at, programme.qualificationMonths),
      reason: `qualified by merge with customer ${mergedId}`,
    };
  }
  if (best.tier === survivor.tier && best.periodEndsAt?.getTime() === survivor.periodEndsAt?.getTime())
    return { change: false };
  return { change: true, to: best.tier, periodEndsAt: best.periodEndsAt, reason: best.reason };
}
