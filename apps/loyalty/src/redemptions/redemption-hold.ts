/**
 * The pure rules of a redemption hold (like a card authorisation: points set aside, not spent; no
 * ledger movement until it is confirmed). The service applies these decisions under the member lock.
 */
export type RedemptionStatus = 'reserved' | 'confirmed' | 'cancelled' | 'expired';
export type HoldAction = 'confirm' | 'cancel';

export interface Hold {
  status: RedemptionStatus;
  points: number;
  expiresAt: Date | null;
}

export type HoldDecision =
  /** Spend the held points now (the movement, the coupon, the events). */
  | { kind: 'spend' }
  /** Let the hold go (points and stock back) and answer with the new status. */
  | { kind: 'release'; to: 'cancelled' }
  /** Let the hold go, then refuse the action: it commits the release and answers 409. */
  | { kind: 'release-and-refuse'; to: 'cancelled' | 'expired'; reason: 'expired' | 'not-covered' }
  /** Nothing to do: the redemption is no longer a hold. */
  | { kind: 'refuse'; status: Exclude<RedemptionStatus, 'reserved'> };

/** Points the member can spend or hold: the balance less the holds still running (never below zero). */
export function availablePoints(balance: number, held: number): number {
  return Math.max(0, balance - held);
}

/** When a hold made at `now` ends. */
export function holdExpiry(now: Date, minutes: number): Date {
  return new Date(now.getTime() + minutes * 60_000);
}

/** A hold counts against the balance only while it is reserved and its time has not run out. */
export function isActive(hold: Hold, now: Date): boolean {
  return hold.status === 'reserved' && hold.expiresAt !== null && hold.expiresAt.getTime() > now.getTime();
}

/**
 * What confirm or cancel does to a redemption. Confirm spends only a running hold that the balance
 * still covers (expiry may have taken points since it was placed: then the hold is let go).
 * Cancel lets a reserved hold go even when its time just ran out (the points are not held either way).
 */
export function decideHold(hold: Hold, action: HoldAction, now: Date, balance: number): HoldDecision {
  if (hold.status !== 'reserved') return { kind: 'refuse', status: hold.status };
  if (action === 'cancel') return { kind: 'release', to: 'cancelled' };
  if (!isActive(hold, now)) return { kind: 'release-and-refuse', to: 'expired', reason: 'expired' };
  if (balance < hold.points) return { kind: 'release-and-refuse', to: 'cancelled', reason: 'not-covered' };
  return { kind: 'spend' };
}
