import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** A member account locked for the caller's transaction; the service moves `balance` and `tier` in memory, then writes them. */
export interface LockedAccount {
  customerId: string;
  balance: number;
  tier: string | null;
  tierPeriodEndsAt: Date | null;
  erased: boolean;
  /** Set when the customer was merged into another: the row is a tombstone naming the survivor. */
  mergedInto: string | null;
}

export interface AccountRecord extends LockedAccount {
  kind: string;
  createdAt: Date;
  /** Points in open lots that expire by the `expiringBefore` asked for. */
  expiringSoon: number;
  nextExpiry: Date | null;
  /** Points set aside by running redemption holds. */
  held: number;
}

export interface TierChangeRecord {
  customerId: string;
  from: string | null;
  to: string | null;
  reason: string;
}

export interface TierHistoryRecord {
  from: string | null;
  to: string | null;
  reason: string;
  changedAt: Date;
}

export interface NewAccount {
  customerId: string;
  kind: string;
  createdAt: string;
}

/** Numbers come back from bigint columns as strings. */
interface LockedRow {
  customer_id: string;
  balance: string | number;
  tier: string | null;
  tier_period_ends_at: Date | null;
  erased_at: Date | null;
  merged_into: string | null;
}

interface AccountRow extends LockedRow {
  kind: string;
  created_at: Date;
  expiring: string | number;
  next_expiry: Date | null;
  held: string | number;
}

interface TierHistoryRow {
  from_tier: string | null;
  to_tier: string | null;
  reason: string;
  changed_at: Date;
}

const LOCKED_COLUMNS = 'customer_id, balance, tier, tier_period_ends_at, erased_at, merged_into';

const toLocked = (row: LockedRow): LockedAccount => ({
  customerId: row.customer_id,
  balance: Number(row.balance),
  tier: row.tier,
  tierPeriodEndsAt: row.tier_period_ends_at,
  erased: row.erased_at !== null,
  mergedInto: row.merged_into,
});

const toAccount = (row: AccountRow): AccountRecord => ({
  ...toLocked(row),
  kind: row.kind,
  createdAt: row.created_at,
  expiringSoon: Number(row.expiring),
  nextExpiry: row.next_expiry,
  held: Number(row.held),
});

const toTierHistory = (row: TierHistoryRow): TierHistoryRecord => ({
  from: row.from_tier,
  to: row.to_tier,
  reason: row.reason,
  changedAt: row.changed_at,
});

/** The only SQL of member accounts (loyalty.members) and their tier history. Writes take the caller's transaction (`manager`). */
@Injectable()
export class AccountsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * customer.created is the authority on kind and creation time, also for an account a purchase opened
   * first; a merged-away customer's late customer.created leaves its tombstone as it is.
   */
  async open(manager: EntityManager, account: NewAccount): Promise<void> {
    await manager.query(
      `INSERT INTO loyalty.members (customer_id, kind, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (customer_id) DO UPDATE SET kind = EXCLUDED.kind, created_at = EXCLUDED.created_at WHERE members.merged_into IS NULL`,
      [account.customerId, account.kind, account.createdAt],
    );
  }

  /**
   * Where each id lives now: itself, or the survivor at the end of its merge chain (A merged into B,
   * B into C: A lives in C). Ids loyalty never saw answer themselves.
   */
  async survivors(manager: EntityManager, customerIds: readonly string[]): Promise<Map<string, string>> {
    if (customerIds.length === 0) return new Map();
    const rows: Array<{ start: string; id: string }> = await manager.query(
      `WITH RECURSIVE chain (start, id, depth) AS (
         SELECT u, u, 0 FROM unnest($1::uuid[]) AS u
         UNION ALL
         SELECT c.start, m.merged_into, c.depth + 1 FROM chain c JOIN loyalty.members m ON m.customer_id = c.id
         WHERE m.merged_into IS NOT NULL AND c.depth < 64
       )
       SELECT DISTINCT ON (start) start, id FROM chain ORDER BY start, depth DESC`,
      [[...new Set(customerIds)]],
    );
    return new Map(rows.map((r) => [r.start, r.id]));
  }

  /** The id a customer lives under now (see `survivors`). */
  async survivorOf(manager: EntityManager, customerId: string): Promise<string> {
    return (await this.survivors(manager, [customerId])).get(customerId) ?? customerId;
  }

  /** Every id merged, directly or along a chain, into the customer. */
  async mergedInto(manager: EntityManager, customerId: string): Promise<string[]> {
    const rows: Array<{ customer_id: string }> = await manager.query(
      `WITH RECURSIVE merged (customer_id, depth) AS (
         SELECT customer_id, 1 FROM loyalty.members WHERE merged_into = $1
         UNION ALL
         SELECT m.customer_id, d.depth + 1 FROM merged d JOIN loyalty.members m ON m.merged_into = d.customer_id WHERE d.depth < 64
       )
       SELECT customer_id FROM merged`,
      [customerId],
    );
    return rows.map((r) => r.customer_id);
  }

  /**
   * Closes a merged-away account: the row stays (its movements were posted to it) as a tombstone that
   * names the survivor, with no tier left to review. Balance and lots were moved out before.
   */
  async markMerged(manager: EntityManager, customerId: string, survivorId: string): Promise<void> {
    await manager.query(
      `UPDATE loyalty.members SET merged_into = $2, merged_at = now(), tier = NULL, tier_period_ends_at = NULL WHERE customer_id = $1`,
      [customerId, survivorId],
    );
  }

  /** The merged-away customer's tier changes become the survivor's history (the survivor's own row of the merge follows them). */
  async rekeyTierHistory(manager: EntityManager, fromId: string, toId: string): Promise<void> {
    await manager.query(`UPDATE loyalty.tier_history SET customer_id = $2 WHERE customer_id = $1`, [fromId, toId]);
  }

  /**
   * Opens the accounts that purchases arrive for before their customer.created, and locks the member
   * rows (in id order, so two batches never wait on each other in a cycle), in one statement that
   * also tells whether a referral waits for each member's first purchase.
   */
  async openAndLock(
    manager: EntityManager,
    accounts: readonly NewAccount[],
  ): Promise<Map<string, LockedAccount & { referralPending: boolean }>> {
    const sorted = [...accounts].sort((a, b) =>
      a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0,
    );
    const rows: Array<LockedRow & { referral_pending: boolean }> = await manager.query(
      `WITH m AS (
         INSERT INTO loyalty.members (customer_id, kind, created_at)
         SELECT customer_id, kind, created_at FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS u(customer_id, kind, created_at, ord)
         ORDER BY ord
         ON CONFLICT (customer_id) DO UPDATE SET customer_id = EXCLUDED.customer_id
         RETURNING ${LOCKED_COLUMNS}
       )
       SELECT m.*, EXISTS (SELECT 1 FROM loyalty.referrals r WHERE r.referred_id = m.customer_id AND r.status = 'pending') AS referral_pending
       FROM m`,
      [sorted.map((m) => m.customerId), sorted.map((m) => m.kind), sorted.map((m) => m.createdAt)],
    );
    return new Map(rows.map((row) => [row.customer_id, { ...toLocked(row), referralPending: row.referral_pending }]));
  }

  /** The member row locked for the rest of the transaction: every balance change goes through it. */
  async lock(manager: EntityManager, customerId: string): Promise<LockedAccount | undefined> {
    const [row]: LockedRow[] = await manager.query(
      `SELECT ${LOCKED_COLUMNS} FROM loyalty.members WHERE customer_id = $1 FOR UPDATE`,
      [customerId],
    );
    return row ? toLocked(row) : undefined;
  }

  /** The members' balances and tiers after a set-based change. */
  async update(manager: EntityManager, accounts: readonly LockedAccount[]): Promise<void> {
    if (accounts.length === 0) return;
    await manager.query(
      `UPDATE loyalty.members m SET balance = u.balance, tier = u.tier, tier_period_ends_at = u.period_ends_at
       FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::timestamptz[]) AS u(customer_id, balance, tier, period_ends_at)
       WHERE m.customer_id = u.customer_id`,
      [
        accounts.map((m) => m.customerId),
        accounts.map((m) => m.balance),
        accounts.map((m) => m.tier),
        accounts.map((m) => m.tierPeriodEndsAt),
      ],
    );
  }

  async insertTierHistory(manager: EntityManager, changes: readonly TierChangeRecord[]): Promise<void> {
    if (changes.length === 0) return;
    await manager.query(
      `INSERT INTO loyalty.tier_history (customer_id, from_tier, to_tier, reason)
       SELECT customer_id, from_tier, to_tier, reason FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(customer_id, from_tier, to_tier, reason, ord)
       ORDER BY ord`,
      [
        changes.map((c) => c.customerId),
        changes.map((c) => c.from),
        changes.map((c) => c.to),
        changes.map((c) => c.reason),
      ],
    );
  }

  async dueForTierReview(asOf: Date, limit: number): Promise<string[]> {
    const rows: Array<{ customer_id: string }> = await this.dataSource.query(
      `SELECT customer_id FROM loyalty.members WHERE tier_period_ends_at <= $1 ORDER BY tier_period_ends_at LIMIT $2`,
      [asOf, limit],
    );
    return rows.map((r) => r.customer_id);
  }

  async find(customerId: string, expiringBefore: Date): Promise<AccountRecord | undefined> {
    const [row]: AccountRow[] = await this.dataSource.query(
      `SELECT m.customer_id, m.kind, m.created_at, m.balance, m.tier, m.tier_period_ends_at, m.erased_at, m.merged_into,
              (SELECT coalesce(sum(remaining), 0) FROM loyalty.lots l WHERE l.customer_id = m.customer_id AND l.remaining > 0 AND l.expires_at <= $2) AS expiring,
              (SELECT min(expires_at) FROM loyalty.lots l WHERE l.customer_id = m.customer_id AND l.remaining > 0) AS next_expiry,
              (SELECT coalesce(sum(points), 0) FROM loyalty.redemptions r
                WHERE r.customer_id = m.customer_id AND r.status = 'reserved' AND r.expires_at > now()) AS held
       FROM loyalty.members m WHERE m.customer_id = $1`,
      [customerId, expiringBefore],
    );
    return row ? toAccount(row) : undefined;
  }

  async tierHistory(customerId: string): Promise<TierHistoryRecord[]> {
    const rows: TierHistoryRow[] = await this.dataSource.query(
      `SELECT from_tier, to_tier, reason, changed_at FROM loyalty.tier_history WHERE customer_id = $1 ORDER BY id`,
      [customerId],
    );
    return rows.map(toTierHistory);
  }

  /** How many accounts it marked (0: none, or already erased). */
  async markErased(manager: EntityManager, customerId: string): Promise<number> {
    const [, affected]: [unknown, number] = await manager.query(
      `UPDATE loyalty.members SET erased_at = now() WHERE customer_id = $1 AND erased_at IS NULL`,
      [customerId],
    );
    return affected;
  }
}
