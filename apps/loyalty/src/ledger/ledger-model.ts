/**
 * The pure rules of the points ledger, shared by the SQL service (which applies the plans it gets
 * from here under a lock on the member row) and by the property test (which replays random
 * sequences against an in-memory book).
 */
/** `merge` moves a merged-away member's balance to the survivor: one movement out, one in. */
export type MovementKind = 'earn' | 'redeem' | 'expire' | 'reverse' | 'adjust' | 'merge';
/** `member_transfers` is the clearing account of merges: each pair of merge movements leaves it at zero. */
export type Account = 'member_liability' | 'points_expense' | 'redemptions' | 'breakage' | 'member_transfers';

export interface OpenLot {
  id: string;
  remaining: number;
  earnedAt: Date;
  expiresAt: Date;
  sourceId: string | null;
}

export interface Allocation {
  lotId: string;
  points: number;
}

export interface Entry {
  account: Account;
  /** Debit positive, credit negative; the entries of one movement sum to zero. */
  amount: number;
}

/** Lots in the order they are spent: soonest to expire first, then oldest earned. */
export function spendOrder<L extends OpenLot>(lots: readonly L[]): L[] {
  return [...lots].sort(
    (a, b) =>
      a.expiresAt.getTime() - b.expiresAt.getTime() ||
      a.earnedAt.getTime() - b.earnedAt.getTime() ||
      a.id.localeCompare(b.id),
  );
}

/** Takes up to `points` from the lots, oldest first; `taken` < `points` when the lots run short. */
export function consumeOldestFirst(
  lots: readonly OpenLot[],
  points: number,
  preferSourceId?: string,
): { allocations: Allocation[]; taken: number } {
  const ordered = spendOrder(lots.filter((l) => l.remaining > 0));
  // A reversal takes back what is left of the refunded purchase's own lot before touching others.
  if (preferSourceId)
    ordered.sort((a, b) => Number(b.sourceId === preferSourceId) - Number(a.sourceId === preferSourceId));
  const allocations: Allocation[] = [];
  let left = points;
  for (const lot of ordered) {
    if (left <= 0) break;
    const take = Math.min(lot.remaining, left);
    allocations.push({ lotId: lot.id, points: take });
    left -= take;
  }
  return { allocations, taken: points - left };
}

/**
 * What a refund takes back: the purchase's points in proportion to the base amount refunded so far
 * (cumulative, so partial refunds add up to exactly the points earned), less what was already
 * reversed. Integer arithmetic on scaled money.
 */
export function reversalPoints(
  earned: number,
  alreadyReversed: number,
  refundedBaseAfter: bigint,
  totalBase: bigint,
): number {
  if (totalBase <= 0n) return 0;
  const refunded = refundedBaseAfter >= totalBase ? totalBase : refundedBaseAfter < 0n ? 0n : refundedBaseAfter;
  const target = Number((BigInt(earned) * refunded) / totalBase);
  return Math.max(0, Math.min(earned, target) - alreadyReversed);
}

/** Lots whose validity ended by `asOf`, with what is left in them. */
export function expiredAllocations(lots: readonly OpenLot[], asOf: Date): Allocation[] {
  return spendOrder(lots)
    .filter((l) => l.remaining > 0 && l.expiresAt.getTime() <= asOf.getTime())
    .map((l) => ({ lotId: l.id, points: l.remaining }));
}

const COUNTER_ACCOUNT: Record<MovementKind, Exclude<Account, 'member_liability'>> = {
  earn: 'points_expense',
  adjust: 'points_expense',
  reverse: 'points_expense',
  redeem: 'redemptions',
  expire: 'breakage',
  merge: 'member_transfers',
};

/**
 * The two entries of a movement changing a member's balance by `delta`: a credit raises the
 * liability (a negative entry on member_liability) against expense; a debit lowers it.
 */
export function entriesFor(kind: MovementKind, delta: number): [Entry, Entry] {
  return [
    { account: 'member_liability', amount: 0 - delta },
    { account: COUNTER_ACCOUNT[kind], amount: delta + 0 },
  ];
}
