import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ProgrammeSchema, type Programme } from '../programme/programme';
import type { Allocation, Entry, MovementKind, OpenLot } from './ledger-model';
import { parseDecimal } from './money';

export interface LockedMember {
  customerId: string;
  balance: number;
  tier: string | null;
  tierPeriodEndsAt: Date | null;
  erased: boolean;
}

export interface MovementRow {
  id: string;
  customerId: string;
  kind: MovementKind;
  points: number;
  balanceAfter: number;
  shortfall: number;
  sourceId: string | null;
  reason: string | null;
  actor: string | null;
}

export interface TierChangeRow {
  customerId: string;
  from: string | null;
  to: string | null;
  reason: string;
}

/** A credit's lot: its points are the movement's. */
export interface NewLot {
  id: string;
  sourceId: string | null;
  earnedAt: Date;
  expiresAt: Date;
}

export interface StatementRow extends MovementRow {
  seq: string;
  createdAt: Date;
}

export interface RewardRow {
  id: string;
  name: string;
  description: string | null;
  pointsPrice: number;
  stock: number | null;
  validFrom: Date | null;
  validUntil: Date | null;
  minTier: string | null;
  createdAt: Date;
}

export interface RedemptionRow {
  id: string;
  customerId: string;
  rewardId: string | null;
  status: 'reserved' | 'confirmed' | 'cancelled' | 'expired';
  movementId: string | null;
  points: number;
  expiresAt: Date | null;
  couponCode: string | null;
  couponValidUntil: Date | null;
  createdAt: Date;
  confirmedAt: Date | null;
  releasedAt: Date | null;
}

export interface ProgrammeRow {
  config: Programme;
  version: number;
  updatedAt: Date;
}

const num = (value: unknown): number => Number(value ?? 0);

/** The only place loyalty talks SQL. Writes take the caller's transaction (`manager`). */
@Injectable()
export class LedgerRepository {
  private readonly programmeOfTransaction = new WeakMap<EntityManager, Promise<ProgrammeRow>>();

  constructor(private readonly dataSource: DataSource) {}

  /** Read once per transaction: a batch of events shares one (a programme change applies from the next transaction). */
  async programme(manager: EntityManager = this.dataSource.manager): Promise<ProgrammeRow> {
    if (manager === this.dataSource.manager) return this.readProgramme(manager);
    let cached = this.programmeOfTransaction.get(manager);
    if (!cached) {
      cached = this.readProgramme(manager);
      this.programmeOfTransaction.set(manager, cached);
    }
    return cached;
  }

  private async readProgramme(manager: EntityManager): Promise<ProgrammeRow> {
    const [row] = await manager.query(`SELECT config, version, updated_at FROM loyalty.programmes WHERE id = 'default'`);
    return { config: ProgrammeSchema.parse(row.config), version: row.version, updatedAt: row.updated_at };
  }

  async updateProgramme(config: Programme, expectedVersion: number): Promise<{ version: number; updatedAt: Date } | undefined> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows] = await this.dataSource.query(
      `UPDATE loyalty.programmes SET config = $1, version = version + 1, updated_at = now()
       WHERE id = 'default' AND version = $2 RETURNING version, updated_at`,
      [JSON.stringify(config), expectedVersion],
    );
    const row = (rows as Array<{ version: number; updated_at: Date }>)[0];
    return row ? { version: row.version, updatedAt: row.updated_at } : undefined;
  }

  /** customer.created is the authority on kind and creation time, also for an account a purchase opened first. */
  async openMember(manager: EntityManager, member: { customerId: string; kind: string; createdAt: string }): Promise<void> {
    await manager.query(
      `INSERT INTO loyalty.members (customer_id, kind, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (customer_id) DO UPDATE SET kind = EXCLUDED.kind, created_at = EXCLUDED.created_at`,
      [member.customerId, member.kind, member.createdAt],
    );
  }

  /**
   * Opens the accounts that purchases arrive for before their customer.created, and locks the member
   * rows (in id order, so two batches never wait on each other in a cycle), in one statement that
   * also tells whether a referral waits for each member's first purchase.
   */
  async openAndLockMembers(
    manager: EntityManager,
    members: ReadonlyArray<{ customerId: string; kind: string; createdAt: string }>,
  ): Promise<Map<string, LockedMember & { referralPending: boolean }>> {
    const sorted = [...members].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
    const rows: Array<Record<string, unknown>> = await manager.query(
      `WITH m AS (
         INSERT INTO loyalty.members (customer_id, kind, created_at)
         SELECT customer_id, kind, created_at FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS u(customer_id, kind, created_at, ord)
         ORDER BY ord
         ON CONFLICT (customer_id) DO UPDATE SET customer_id = EXCLUDED.customer_id
         RETURNING customer_id, balance, tier, tier_period_ends_at, erased_at
       )
       SELECT m.*, EXISTS (SELECT 1 FROM loyalty.referrals r WHERE r.referred_id = m.customer_id AND r.status = 'pending') AS referral_pending
       FROM m`,
      [sorted.map((m) => m.customerId), sorted.map((m) => m.kind), sorted.map((m) => m.createdAt)],
    );
    return new Map(
      rows.map((row) => [
        row['customer_id'] as string,
        {
          customerId: row['customer_id'] as string,
          balance: num(row['balance']),
          tier: row['tier'] as string | null,
          tierPeriodEndsAt: row['tier_period_ends_at'] as Date | null,
          erased: row['erased_at'] !== null,
          referralPending: row['referral_pending'] as boolean,
        },
      ]),
    );
  }

  /** The member row locked for the rest of the transaction: every balance change goes through it. */
  async lockMember(manager: EntityManager, customerId: string): Promise<LockedMember | undefined> {
    const [row] = await manager.query(
      `SELECT customer_id, balance, tier, tier_period_ends_at, erased_at FROM loyalty.members WHERE customer_id = $1 FOR UPDATE`,
      [customerId],
    );
    return row
      ? { customerId: row.customer_id, balance: num(row.balance), tier: row.tier, tierPeriodEndsAt: row.tier_period_ends_at, erased: row.erased_at !== null }
      : undefined;
  }

  async openLots(manager: EntityManager, customerId: string): Promise<OpenLot[]> {
    const rows = await manager.query(
      `SELECT id, remaining, earned_at, expires_at, source_id FROM loyalty.lots WHERE customer_id = $1 AND remaining > 0 ORDER BY expires_at, earned_at, id`,
      [customerId],
    );
    return rows.map((r: Record<string, unknown>) => ({
      id: r['id'] as string,
      remaining: num(r['remaining']),
      earnedAt: r['earned_at'] as Date,
      expiresAt: r['expires_at'] as Date,
      sourceId: r['source_id'] as string | null,
    }));
  }

  /**
   * Appends a movement with its two entries and moves the member's balance — and for a credit opens
   * its lot — in one statement (one round trip).
   */
  async appendMovement(manager: EntityManager, movement: MovementRow, entries: readonly Entry[], lot?: NewLot): Promise<Date> {
    const lotSql = lot
      ? `, lot AS (
         INSERT INTO loyalty.lots (id, customer_id, movement_id, source_id, points, remaining, earned_at, expires_at)
         VALUES ($12, $2, $1, $13, $4, $4, $14, $15)
       )`
      : '';
    const [row] = await manager.query(
      `WITH movement AS (
         INSERT INTO loyalty.movements (id, customer_id, kind, points, balance_after, shortfall, source_id, reason, actor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING created_at
       ), entries AS (
         INSERT INTO loyalty.entries (movement_id, account, customer_id, amount)
         SELECT $1, account, $2, amount FROM unnest($10::text[], $11::bigint[]) AS e(account, amount)
       ), member AS (
         UPDATE loyalty.members SET balance = $5 WHERE customer_id = $2
       )${lotSql}
       SELECT created_at FROM movement`,
      [
        movement.id,
        movement.customerId,
        movement.kind,
        movement.points,
        movement.balanceAfter,
        movement.shortfall,
        movement.sourceId,
        movement.reason,
        movement.actor,
        entries.map((e) => e.account),
        entries.map((e) => e.amount),
        ...(lot ? [lot.id, lot.sourceId, lot.earnedAt, lot.expiresAt] : []),
      ],
    );
    return row.created_at;
  }

  /** Many credits at once (set-based earning): movements in order, their entries, their lots. */
  async appendMovements(manager: EntityManager, postings: ReadonlyArray<{ movement: MovementRow; entries: readonly Entry[]; lot?: NewLot }>): Promise<void> {
    if (postings.length === 0) return;
    const entries = postings.flatMap(({ movement, entries }) => entries.map((e) => ({ movementId: movement.id, customerId: movement.customerId, ...e })));
    const lots = postings.flatMap(({ movement, lot }) => (lot ? [{ ...lot, movementId: movement.id, customerId: movement.customerId, points: movement.points }] : []));
    const m = postings.map((p) => p.movement);
    await manager.query(
      `WITH movement AS (
         INSERT INTO loyalty.movements (id, customer_id, kind, points, balance_after, shortfall, source_id, reason, actor)
         SELECT id, customer_id, kind, points, balance_after, shortfall, source_id, reason, actor
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[]) WITH ORDINALITY
           AS t(id, customer_id, kind, points, balance_after, shortfall, source_id, reason, actor, ord)
         ORDER BY ord
       ), entries AS (
         INSERT INTO loyalty.entries (movement_id, account, customer_id, amount)
         SELECT * FROM unnest($10::uuid[], $11::text[], $12::uuid[], $13::bigint[])
       )
       INSERT INTO loyalty.lots (id, customer_id, movement_id, source_id, points, remaining, earned_at, expires_at)
       SELECT id, customer_id, movement_id, source_id, points, points, earned_at, expires_at
       FROM unnest($14::uuid[], $15::uuid[], $16::uuid[], $17::text[], $18::bigint[], $19::timestamptz[], $20::timestamptz[])
         AS l(id, customer_id, movement_id, source_id, points, earned_at, expires_at)`,
      [
        m.map((r) => r.id),
        m.map((r) => r.customerId),
        m.map((r) => r.kind),
        m.map((r) => r.points),
        m.map((r) => r.balanceAfter),
        m.map((r) => r.shortfall),
        m.map((r) => r.sourceId),
        m.map((r) => r.reason),
        m.map((r) => r.actor),
        entries.map((e) => e.movementId),
        entries.map((e) => e.account),
        entries.map((e) => e.customerId),
        entries.map((e) => e.amount),
        lots.map((l) => l.id),
        lots.map((l) => l.customerId),
        lots.map((l) => l.movementId),
        lots.map((l) => l.sourceId),
        lots.map((l) => l.points),
        lots.map((l) => l.earnedAt),
        lots.map((l) => l.expiresAt),
      ],
    );
  }

  /** The members' balances and tiers after a set-based change. */
  async updateMembers(manager: EntityManager, members: ReadonlyArray<LockedMember>): Promise<void> {
    if (members.length === 0) return;
    await manager.query(
      `UPDATE loyalty.members m SET balance = u.balance, tier = u.tier, tier_period_ends_at = u.period_ends_at
       FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::timestamptz[]) AS u(customer_id, balance, tier, period_ends_at)
       WHERE m.customer_id = u.customer_id`,
      [members.map((m) => m.customerId), members.map((m) => m.balance), members.map((m) => m.tier), members.map((m) => m.tierPeriodEndsAt)],
    );
  }

  async insertTierHistory(manager: EntityManager, changes: ReadonlyArray<TierChangeRow>): Promise<void> {
    if (changes.length === 0) return;
    await manager.query(
      `INSERT INTO loyalty.tier_history (customer_id, from_tier, to_tier, reason)
       SELECT customer_id, from_tier, to_tier, reason FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(customer_id, from_tier, to_tier, reason, ord)
       ORDER BY ord`,
      [changes.map((c) => c.customerId), changes.map((c) => c.from), changes.map((c) => c.to), changes.map((c) => c.reason)],
    );
  }

  async consumeLots(manager: EntityManager, movementId: string, allocations: readonly Allocation[]): Promise<void> {
    if (allocations.length === 0) return;
    const ids = allocations.map((a) => a.lotId);
    const points = allocations.map((a) => a.points);
    await manager.query(
      `UPDATE loyalty.lots l SET remaining = l.remaining - a.points
       FROM unnest($1::uuid[], $2::bigint[]) AS a(lot_id, points) WHERE l.id = a.lot_id`,
      [ids, points],
    );
    await manager.query(
      `INSERT INTO loyalty.lot_allocations (movement_id, lot_id, points) SELECT $1, lot_id, points FROM unnest($2::uuid[], $3::bigint[]) AS a(lot_id, points)`,
      [movementId, ids, points],
    );
  }

  /** Which of these purchases were already recorded (earning is exactly-once per purchase id). */
  async recordedPurchases(manager: EntityManager, purchaseIds: readonly string[]): Promise<Set<string>> {
    const rows: Array<{ purchase_id: string }> = await manager.query(`SELECT purchase_id FROM loyalty.purchases WHERE purchase_id = ANY($1::uuid[])`, [purchaseIds]);
    return new Set(rows.map((r) => r.purchase_id));
  }

  /** Net spend and points of the recorded purchases in each window (since, until], one answer per window, in order. */
  async qualificationWindows(
    manager: EntityManager,
    windows: ReadonlyArray<{ customerId: string; since: Date; until: Date }>,
  ): Promise<Array<{ spend: bigint; points: number }>> {
    const rows: Array<{ spend: string; points: string }> = await manager.query(
      `SELECT coalesce(sum(p.total_base - p.refunded_base), 0)::numeric(19,4)::text AS spend, coalesce(sum(p.points_earned - p.points_reversed), 0) AS points
       FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS w(customer_id, since, until, ord)
       LEFT JOIN loyalty.purchases p ON p.customer_id = w.customer_id AND p.occurred_at > w.since AND p.occurred_at <= w.until
       GROUP BY w.ord ORDER BY w.ord`,
      [windows.map((w) => w.customerId), windows.map((w) => w.since), windows.map((w) => w.until)],
    );
    return rows.map((r) => ({ spend: parseDecimal(r.spend), points: num(r.points) }));
  }

  async insertPurchases(
    manager: EntityManager,
    purchases: ReadonlyArray<{ purchaseId: string; customerId: string; totalBase: string; pointsEarned: number; occurredAt: string }>,
  ): Promise<void> {
    if (purchases.length === 0) return;
    await manager.query(
      `INSERT INTO loyalty.purchases (purchase_id, customer_id, total_base, points_earned, occurred_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::numeric[], $4::bigint[], $5::timestamptz[])`,
      [purchases.map((p) => p.purchaseId), purchases.map((p) => p.customerId), purchases.map((p) => p.totalBase), purchases.map((p) => p.pointsEarned), purchases.map((p) => p.occurredAt)],
    );
  }

  async lockPurchase(
    manager: EntityManager,
    purchaseId: string,
  ): Promise<{ customerId: string; totalBase: bigint; refundedBase: bigint; pointsEarned: number; pointsReversed: number } | undefined> {
    const [row] = await manager.query(
      `SELECT customer_id, total_base::text AS total_base, refunded_base::text AS refunded_base, points_earned, points_reversed
       FROM loyalty.purchases WHERE purchase_id = $1 FOR UPDATE`,
      [purchaseId],
    );
    return row
      ? {
          customerId: row.customer_id,
          totalBase: parseDecimal(row.total_base),
          refundedBase: parseDecimal(row.refunded_base),
          pointsEarned: num(row.points_earned),
          pointsReversed: num(row.points_reversed),
        }
      : undefined;
  }

  async insertRefund(
    manager: EntityManager,
    refund: { refundId: string; purchaseId: string; customerId: string; amountBase: string; points: number; shortfall: number; occurredAt: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO loyalty.refunds (refund_id, purchase_id, customer_id, amount_base, points, shortfall, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
`,
      [refund.refundId, refund.purchaseId, refund.customerId, refund.amountBase, refund.points, refund.shortfall, refund.occurredAt],
    );
  }

  async refundSeen(manager: EntityManager, refundId: string): Promise<boolean> {
    const rows = await manager.query(`SELECT 1 FROM loyalty.refunds WHERE refund_id = $1`, [refundId]);
    return rows.length > 0;
  }

  async addRefundToPurchase(manager: EntityManager, purchaseId: string, amountBase: string, pointsReversed: number): Promise<void> {
    await manager.query(
      `UPDATE loyalty.purchases SET refunded_base = refunded_base + $2, points_reversed = points_reversed + $3 WHERE purchase_id = $1`,
      [purchaseId, amountBase, pointsReversed],
    );
  }

  /** Net spend (scaled money) and net points from purchases in the rolling window (since, until]. */
  async qualificationWindow(manager: EntityManager, customerId: string, since: Date, until: Date): Promise<{ spend: bigint; points: number }> {
    const [row] = await manager.query(
      `SELECT coalesce(sum(total_base - refunded_base), 0)::numeric(19,4)::text AS spend, coalesce(sum(points_earned - points_reversed), 0) AS points
       FROM loyalty.purchases WHERE customer_id = $1 AND occurred_at > $2 AND occurred_at <= $3`,
      [customerId, since, until],
    );
    return { spend: parseDecimal(row.spend), points: num(row.points) };
  }

  async customersWithExpiredLots(asOf: Date, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query(
      `SELECT DISTINCT customer_id FROM loyalty.lots WHERE remaining > 0 AND expires_at <= $1 LIMIT $2`,
      [asOf, limit],
    );
    return rows.map((r: { customer_id: string }) => r.customer_id);
  }

  async membersDueForReview(asOf: Date, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query(
      `SELECT customer_id FROM loyalty.members WHERE tier_period_ends_at <= $1 ORDER BY tier_period_ends_at LIMIT $2`,
      [asOf, limit],
    );
    return rows.map((r: { customer_id: string }) => r.customer_id);
  }

  async member(customerId: string, expiringBefore: Date) {
    const [row] = await this.dataSource.query(
      `SELECT m.customer_id, m.kind, m.created_at, m.balance, m.tier, m.tier_period_ends_at, m.erased_at,
              (SELECT coalesce(sum(remaining), 0) FROM loyalty.lots l WHERE l.customer_id = m.customer_id AND l.remaining > 0 AND l.expires_at <= $2) AS expiring,
              (SELECT min(expires_at) FROM loyalty.lots l WHERE l.customer_id = m.customer_id AND l.remaining > 0) AS next_expiry,
              (SELECT coalesce(sum(points), 0) FROM loyalty.redemptions r
                WHERE r.customer_id = m.customer_id AND r.status = 'reserved' AND r.expires_at > now()) AS held
       FROM loyalty.members m WHERE m.customer_id = $1`,
      [customerId, expiringBefore],
    );
    if (!row) return undefined;
    return {
      customerId: row.customer_id as string,
      kind: row.kind as string,
      createdAt: row.created_at as Date,
      balance: num(row.balance),
      tier: row.tier as string | null,
      tierPeriodEndsAt: row.tier_period_ends_at as Date | null,
      erased: row.erased_at !== null,
      expiringSoon: num(row.expiring),
      nextExpiry: row.next_expiry as Date | null,
      held: num(row.held),
    };
  }

  async tierHistory(customerId: string): Promise<Array<{ from: string | null; to: string | null; reason: string; changedAt: Date }>> {
    const rows = await this.dataSource.query(
      `SELECT from_tier, to_tier, reason, changed_at FROM loyalty.tier_history WHERE customer_id = $1 ORDER BY id`,
      [customerId],
    );
    return rows.map((r: Record<string, unknown>) => ({ from: r['from_tier'], to: r['to_tier'], reason: r['reason'], changedAt: r['changed_at'] }));
  }

  /** Newest first, keyset on the movement sequence. */
  async statement(customerId: string, limit: number, before?: string): Promise<StatementRow[]> {
    const rows = await this.dataSource.query(
      `SELECT seq::text, id, customer_id, kind, points, balance_after, shortfall, source_id, reason, actor, created_at
       FROM loyalty.movements WHERE customer_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint) ORDER BY seq DESC LIMIT $3`,
      [customerId, before ?? null, limit],
    );
    return rows.map((r: Record<string, unknown>) => ({
      seq: r['seq'] as string,
      id: r['id'] as string,
      customerId: r['customer_id'] as string,
      kind: r['kind'] as MovementKind,
      points: num(r['points']),
      balanceAfter: num(r['balance_after']),
      shortfall: num(r['shortfall']),
      sourceId: r['source_id'] as string | null,
      reason: r['reason'] as string | null,
      actor: r['actor'] as string | null,
      createdAt: r['created_at'] as Date,
    }));
  }

  /** One snapshot: every movement balanced, and entries, movements, balances and lots agreeing. */
  async reconciliation() {
    const [row] = await this.dataSource.query(`
      WITH per_movement AS (
        SELECT m.id, count(e.id) AS n, coalesce(sum(e.amount), 0) AS total,
               coalesce(sum(e.amount) FILTER (WHERE e.account = 'member_liability'), 0) AS liability, m.points
        FROM loyalty.movements m LEFT JOIN loyalty.entries e ON e.movement_id = m.id GROUP BY m.id, m.points
      ),
      per_member AS (
        SELECT mb.customer_id, mb.balance,
               coalesce((SELECT -sum(amount) FROM loyalty.entries e WHERE e.customer_id = mb.customer_id AND e.account = 'member_liability'), 0) AS liability,
               coalesce((SELECT sum(points) FROM loyalty.movements mv WHERE mv.customer_id = mb.customer_id), 0) AS movements,
               coalesce((SELECT sum(remaining) FROM loyalty.lots l WHERE l.customer_id = mb.customer_id), 0) AS lots
        FROM loyalty.members mb
      )
      SELECT (SELECT coalesce(sum(amount), 0) FROM loyalty.entries)::text AS entries_sum,
             (SELECT count(*) FROM per_movement WHERE n <> 2 OR total <> 0 OR liability <> -points)::int AS unbalanced_movements,
             (SELECT coalesce(-sum(amount), 0) FROM loyalty.entries WHERE account = 'member_liability')::text AS liability_total,
             (SELECT coalesce(sum(balance), 0) FROM loyalty.members)::text AS balance_total,
             (SELECT coalesce(sum(points), 0) FROM loyalty.movements)::text AS movements_total,
             (SELECT coalesce(sum(remaining), 0) FROM loyalty.lots)::text AS lots_total,
             (SELECT count(*) FROM loyalty.lots WHERE remaining < 0)::int AS negative_lots,
             (SELECT count(*) FROM per_member WHERE balance <> liability OR balance <> movements OR balance <> lots)::int AS mismatched_members,
             (SELECT coalesce(sum(shortfall), 0) FROM loyalty.movements)::text AS shortfall_total,
             (SELECT coalesce(json_object_agg(account, total), '{}') FROM (SELECT account, sum(amount)::text AS total FROM loyalty.entries GROUP BY account) a) AS accounts
    `);
    return {
      entriesSum: num(row.entries_sum),
      unbalancedMovements: row.unbalanced_movements as number,
      liabilityTotal: num(row.liability_total),
      balanceTotal: num(row.balance_total),
      movementsTotal: num(row.movements_total),
      lotsTotal: num(row.lots_total),
      negativeLots: row.negative_lots as number,
      mismatchedMembers: row.mismatched_members as number,
      shortfallTotal: num(row.shortfall_total),
      accounts: Object.fromEntries(Object.entries(row.accounts as Record<string, string>).map(([k, v]) => [k, Number(v)])),
    };
  }

  // Referrals

  /** The member's referral code, issued on first ask; false when the candidate code is taken (retry with another). */
  async issueReferralCode(customerId: string, candidate: string): Promise<string | false> {
    await this.dataSource.query(
      `INSERT INTO loyalty.referral_codes (customer_id, code) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [customerId, candidate],
    );
    const [row] = await this.dataSource.query(`SELECT code FROM loyalty.referral_codes WHERE customer_id = $1`, [customerId]);
    return row ? (row.code as string) : false;
  }

  async referrerByCode(manager: EntityManager, code: string): Promise<string | undefined> {
    const [row] = await manager.query(`SELECT customer_id FROM loyalty.referral_codes WHERE code = $1`, [code]);
    return row?.customer_id;
  }

  async referralOf(manager: EntityManager, referredId: string): Promise<{ referrerId: string; status: 'pending' | 'completed' } | undefined> {
    const [row] = await manager.query(`SELECT referrer_id, status FROM loyalty.referrals WHERE referred_id = $1 FOR UPDATE`, [referredId]);
    return row ? { referrerId: row.referrer_id, status: row.status } : undefined;
  }

  async insertReferral(manager: EntityManager, referredId: string, referrerId: string): Promise<Date> {
    const [row] = await manager.query(
      `INSERT INTO loyalty.referrals (referred_id, referrer_id, status) VALUES ($1, $2, 'pending') RETURNING created_at`,
      [referredId, referrerId],
    );
    return row.created_at;
  }

  async completeReferral(manager: EntityManager, referredId: string): Promise<void> {
    await manager.query(`UPDATE loyalty.referrals SET status = 'completed', completed_at = now() WHERE referred_id = $1`, [referredId]);
  }

  async hasPurchases(manager: EntityManager, customerId: string): Promise<boolean> {
    const rows = await manager.query(`SELECT 1 FROM loyalty.purchases WHERE customer_id = $1 LIMIT 1`, [customerId]);
    return rows.length > 0;
  }

  async erase(manager: EntityManager, customerId: string): Promise<void> {
    // A referral code is an identifier others can use to find the person: it goes.
    await manager.query(`DELETE FROM loyalty.referral_codes WHERE customer_id = $1`, [customerId]);
    await manager.query(`UPDATE loyalty.members SET erased_at = coalesce(erased_at, now()) WHERE customer_id = $1`, [customerId]);
    // Free-text reasons and who typed them may name the person; the amounts stay so the books balance.
    await manager.query(`UPDATE loyalty.movements SET reason = CASE WHEN kind = 'adjust' THEN 'erased' ELSE reason END, actor = NULL WHERE customer_id = $1`, [
      customerId,
    ]);
  }

  // Rewards

  async insertReward(reward: Omit<RewardRow, 'createdAt'>): Promise<RewardRow> {
    const [row] = await this.dataSource.query(
      `INSERT INTO loyalty.rewards (id, name, description, points_price, stock, valid_from, valid_until, min_tier)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [reward.id, reward.name, reward.description, reward.pointsPrice, reward.stock, reward.validFrom, reward.validUntil, reward.minTier],
    );
    return toReward(row);
  }

  async rewards(limit: number, after?: string): Promise<RewardRow[]> {
    const rows = await this.dataSource.query(
      `SELECT * FROM loyalty.rewards WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2`,
      [after ?? null, limit],
    );
    return rows.map(toReward);
  }

  async lockReward(manager: EntityManager, rewardId: string): Promise<RewardRow | undefined> {
    const [row] = await manager.query(`SELECT * FROM loyalty.rewards WHERE id = $1 FOR UPDATE`, [rewardId]);
    return row ? toReward(row) : undefined;
  }

  async takeFromStock(manager: EntityManager, rewardId: string): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [, affected] = await manager.query(`UPDATE loyalty.rewards SET stock = stock - 1 WHERE id = $1 AND (stock IS NULL OR stock > 0)`, [rewardId]);
    return affected === 1;
  }

  /** A redemption: a hold (`reserved`, no movement yet) or one confirmed at once (with its movement). */
  async insertRedemption(
    manager: EntityManager,
    redemption: {
      id: string;
      customerId: string;
      rewardId: string | null;
      status: 'reserved' | 'confirmed';
      movementId: string | null;
      points: number;
      expiresAt: Date | null;
      couponCode: string | null;
      couponValidUntil: Date | null;
    },
  ): Promise<Date> {
    const [row] = await manager.query(
      `INSERT INTO loyalty.redemptions (id, customer_id, reward_id, status, movement_id, points, expires_at, coupon_code, coupon_valid_until, confirmed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $4 = 'confirmed' THEN now() END) RETURNING created_at`,
      [
        redemption.id,
        redemption.customerId,
        redemption.rewardId,
        redemption.status,
        redemption.movementId,
        redemption.points,
        redemption.expiresAt,
        redemption.couponCode,
        redemption.couponValidUntil,
      ],
    );
    return row.created_at;
  }

  /** Points a member's running holds set aside; a hold past its expiry counts for nothing, released or not. */
  async heldPoints(manager: EntityManager, customerId: string, at: Date): Promise<number> {
    const [row] = await manager.query(
      `SELECT coalesce(sum(points), 0) AS held FROM loyalty.redemptions WHERE customer_id = $1 AND status = 'reserved' AND expires_at > $2`,
      [customerId, at],
    );
    return num(row.held);
  }

  /** The redemption row locked for the rest of the transaction; only the member's own. */
  async lockRedemption(manager: EntityManager, customerId: string, redemptionId: string): Promise<RedemptionRow | undefined> {
    const [row] = await manager.query(`SELECT * FROM loyalty.redemptions WHERE id = $1 AND customer_id = $2 FOR UPDATE`, [redemptionId, customerId]);
    return row ? toRedemption(row) : undefined;
  }

  async redemption(customerId: string, redemptionId: string): Promise<RedemptionRow | undefined> {
    const [row] = await this.dataSource.query(`SELECT * FROM loyalty.redemptions WHERE id = $1 AND customer_id = $2`, [redemptionId, customerId]);
    return row ? toRedemption(row) : undefined;
  }

  /** A hold becomes the spend: its movement and, for a reward, its coupon. */
  async confirmRedemption(
    manager: EntityManager,
    redemptionId: string,
    confirmed: { movementId: string; couponCode: string | null; couponValidUntil: Date | null },
  ): Promise<RedemptionRow> {
    const [rows] = await manager.query(
      `UPDATE loyalty.redemptions SET status = 'confirmed', movement_id = $2, coupon_code = $3, coupon_valid_until = $4, confirmed_at = now()
       WHERE id = $1 AND status = 'reserved' RETURNING *`,
      [redemptionId, confirmed.movementId, confirmed.couponCode, confirmed.couponValidUntil],
    );
    const row = (rows as Array<Record<string, unknown>>)[0];
    if (!row) throw new Error(`redemption ${redemptionId} was not reserved`);
    return toRedemption(row);
  }

  /**
   * Ends holds and gives their rewards back to stock, set-based: the one named, or (with `expiredBy`)
   * the reserved holds whose time ran out by then — all of them, or a member's, or a reward's. Only
   * rows still reserved change and rows another transaction holds are skipped (it is releasing or
   * confirming them), so two runs at once, or one run twice, release each hold once. Reward rows are
   * locked in id order, so concurrent releases never wait on each other in a cycle.
   */
  async releaseHolds(
    manager: EntityManager,
    to: 'cancelled' | 'expired',
    which: { redemptionId: string } | { expiredBy: Date; customerId?: string; rewardId?: string; pointsOnly?: boolean; limit?: number },
  ): Promise<{ holds: number; points: number }> {
    const byId = 'redemptionId' in which;
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows] = await manager.query(
      `WITH candidates AS (
         SELECT id FROM loyalty.redemptions
         WHERE status = 'reserved'
           AND ($2::uuid IS NULL OR id = $2::uuid)
           AND ($3::timestamptz IS NULL OR expires_at <= $3::timestamptz)
           AND ($4::uuid IS NULL OR customer_id = $4::uuid)
           AND ($5::uuid IS NULL OR reward_id = $5::uuid)
           AND (NOT $6::boolean OR reward_id IS NULL)
         ORDER BY id LIMIT $7 FOR UPDATE SKIP LOCKED
       )
       UPDATE loyalty.redemptions r SET status = $1, released_at = now()
       FROM candidates c WHERE r.id = c.id AND r.status = 'reserved'
       RETURNING r.reward_id, r.points`,
      [
        to,
        byId ? which.redemptionId : null,
        byId ? null : which.expiredBy,
        byId ? null : (which.customerId ?? null),
        byId ? null : (which.rewardId ?? null),
        byId ? false : (which.pointsOnly ?? false),
        byId ? 1 : (which.limit ?? 1000),
      ],
    );
    const released = rows as Array<{ reward_id: string | null; points: string }>;
    const back = new Map<string, number>();
    for (const r of released) if (r.reward_id) back.set(r.reward_id, (back.get(r.reward_id) ?? 0) + 1);
    if (back.size > 0) {
      const ids = [...back.keys()].sort();
      await manager.query(`SELECT id FROM loyalty.rewards WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
      await manager.query(
        `UPDATE loyalty.rewards w SET stock = w.stock + b.n FROM unnest($1::uuid[], $2::int[]) AS b(id, n) WHERE w.id = b.id AND w.stock IS NOT NULL`,
        [ids, ids.map((id) => back.get(id)!)],
      );
    }
    return { holds: released.length, points: released.reduce((sum, r) => sum + num(r.points), 0) };
  }

  /** Marks a coupon used if it is unused and valid: one conditional update, so only one of concurrent uses wins. */
  async useCoupon(code: string, at: Date) {
    const [rows] = await this.dataSource.query(
      `UPDATE loyalty.redemptions SET coupon_used_at = $2 WHERE coupon_code = $1 AND coupon_used_at IS NULL AND coupon_valid_until > $2
       RETURNING customer_id, reward_id, coupon_used_at, coupon_valid_until`,
      [code, at],
    );
    const used = (rows as Array<Record<string, unknown>>)[0];
    if (used) return { outcome: 'used' as const, customerId: used['customer_id'] as string, rewardId: used['reward_id'] as string, usedAt: used['coupon_used_at'] as Date, validUntil: used['coupon_valid_until'] as Date };
    const [row] = await this.dataSource.query(`SELECT coupon_used_at, coupon_valid_until FROM loyalty.redemptions WHERE coupon_code = $1`, [code]);
    if (!row) return { outcome: 'unknown' as const };
    return row.coupon_used_at ? { outcome: 'already-used' as const, usedAt: row.coupon_used_at as Date } : { outcome: 'expired' as const, validUntil: row.coupon_valid_until as Date };
  }

  // Contact fingerprints (keyed hashes of phones, emails and identifiers; never the contacts themselves)

  /** The customer's whole current set replaces the one held; an empty set clears it. */
  async replaceFingerprints(manager: EntityManager, customerId: string, fingerprints: readonly string[]): Promise<void> {
    await manager.query(`DELETE FROM loyalty.member_fingerprints WHERE customer_id = $1`, [customerId]);
    if (fingerprints.length === 0) return;
    await manager.query(
      `INSERT INTO loyalty.member_fingerprints (customer_id, fingerprint) SELECT $1, f FROM unnest($2::text[]) AS f ON CONFLICT DO NOTHING`,
      [customerId, fingerprints],
    );
  }

  async dropFingerprints(manager: EntityManager, customerId: string): Promise<void> {
    await manager.query(`DELETE FROM loyalty.member_fingerprints WHERE customer_id = $1`, [customerId]);
  }

  /** Whether the two customers share a phone, email or identifier (equal fingerprints). */
  async shareContact(manager: EntityManager, customerId: string, otherId: string): Promise<boolean> {
    const rows = await manager.query(
      `SELECT 1 FROM loyalty.member_fingerprints a JOIN loyalty.member_fingerprints b ON b.fingerprint = a.fingerprint AND b.customer_id = $2
        WHERE a.customer_id = $1 LIMIT 1`,
      [customerId, otherId],
    );
    return rows.length > 0;
  }
}

function toReward(row: Record<string, unknown>): RewardRow {
  return {
    id: row['id'] as string,
    name: row['name'] as string,
    description: row['description'] as string | null,
    pointsPrice: num(row['points_price']),
    stock: row['stock'] === null ? null : num(row['stock']),
    validFrom: row['valid_from'] as Date | null,
    validUntil: row['valid_until'] as Date | null,
    minTier: row['min_tier'] as string | null,
    createdAt: row['created_at'] as Date,
  };
}

function toRedemption(row: Record<string, unknown>): RedemptionRow {
  return {
    id: row['id'] as string,
    customerId: row['customer_id'] as string,
    rewardId: row['reward_id'] as string | null,
    status: row['status'] as RedemptionRow['status'],
    movementId: row['movement_id'] as string | null,
    points: num(row['points']),
    expiresAt: row['expires_at'] as Date | null,
    couponCode: row['coupon_code'] as string | null,
    couponValidUntil: row['coupon_valid_until'] as Date | null,
    createdAt: row['created_at'] as Date,
    confirmedAt: row['confirmed_at'] as Date | null,
    releasedAt: row['released_at'] as Date | null,
  };
}
