import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RedemptionStatus } from './redemption-hold';

export interface RedemptionRecord {
  id: string;
  customerId: string;
  rewardId: string | null;
  status: RedemptionStatus;
  movementId: string | null;
  points: number;
  expiresAt: Date | null;
  couponCode: string | null;
  couponValidUntil: Date | null;
  createdAt: Date;
  confirmedAt: Date | null;
  releasedAt: Date | null;
}

/** A redemption as written: a hold (`reserved`, no movement yet) or one confirmed at once (with its movement). */
export type NewRedemption = Omit<RedemptionRecord, 'status' | 'createdAt' | 'confirmedAt' | 'releasedAt'> & {
  status: 'reserved' | 'confirmed';
};

/** Which holds to release: the one named, or those whose time ran out by `expiredBy` (all, a member's, a reward's). */
export type HoldSelection =
  | { redemptionId: string }
  | { expiredBy: Date; customerId?: string; rewardId?: string; pointsOnly?: boolean; limit?: number };

export interface ReleasedHolds {
  holds: number;
  points: number;
  /** How many items of each reward the released holds had taken from stock. */
  rewards: Map<string, number>;
}

/** Numbers come back from bigint columns as strings. */
interface RedemptionRow {
  id: string;
  customer_id: string;
  reward_id: string | null;
  status: RedemptionStatus;
  movement_id: string | null;
  points: string | number;
  expires_at: Date | null;
  coupon_code: string | null;
  coupon_valid_until: Date | null;
  created_at: Date;
  confirmed_at: Date | null;
  released_at: Date | null;
}

const REDEMPTION_COLUMNS =
  'id, customer_id, reward_id, status, movement_id, points, expires_at, coupon_code, coupon_valid_until, created_at, confirmed_at, released_at';

const toRedemption = (row: RedemptionRow): RedemptionRecord => ({
  id: row.id,
  customerId: row.customer_id,
  rewardId: row.reward_id,
  status: row.status,
  movementId: row.movement_id,
  points: Number(row.points),
  expiresAt: row.expires_at,
  couponCode: row.coupon_code,
  couponValidUntil: row.coupon_valid_until,
  createdAt: row.created_at,
  confirmedAt: row.confirmed_at,
  releasedAt: row.released_at,
});

/** The only SQL of redemptions and their holds. Writes take the caller's transaction (`manager`), which holds the member's lock. */
@Injectable()
export class RedemptionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, redemption: NewRedemption): Promise<Date> {
    const [row]: Array<{ created_at: Date }> = await manager.query(
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
    return row!.created_at;
  }

  /** Points a member's running holds set aside; a hold past its expiry counts for nothing, released or not. */
  async heldPoints(manager: EntityManager, customerId: string, at: Date): Promise<number> {
    const [row]: Array<{ held: string | number }> = await manager.query(
      `SELECT coalesce(sum(points), 0) AS held FROM loyalty.redemptions WHERE customer_id = $1 AND status = 'reserved' AND expires_at > $2`,
      [customerId, at],
    );
    return Number(row!.held);
  }

  /** The redemption row locked for the rest of the transaction; only the member's own. */
  async lock(manager: EntityManager, customerId: string, redemptionId: string): Promise<RedemptionRecord | undefined> {
    const [row]: RedemptionRow[] = await manager.query(
      `SELECT ${REDEMPTION_COLUMNS} FROM loyalty.redemptions WHERE id = $1 AND customer_id = $2 FOR UPDATE`,
      [redemptionId, customerId],
    );
    return row ? toRedemption(row) : undefined;
  }

  async find(customerId: string, redemptionId: string): Promise<RedemptionRecord | undefined> {
    const [row]: RedemptionRow[] = await this.dataSource.query(
      `SELECT ${REDEMPTION_COLUMNS} FROM loyalty.redemptions WHERE id = $1 AND customer_id = $2`,
      [redemptionId, customerId],
    );
    return row ? toRedemption(row) : undefined;
  }

  /** A merge: the merged-away member's redemptions, holds and coupons become the survivor's (readable and confirmable there). */
  async rekey(manager: EntityManager, fromId: string, toId: string): Promise<void> {
    await manager.query(`UPDATE loyalty.redemptions SET customer_id = $2 WHERE customer_id = $1`, [fromId, toId]);
  }

  /** A hold becomes the spend: its movement and, for a reward, its coupon. */
  async confirm(
    manager: EntityManager,
    redemptionId: string,
    confirmed: { movementId: string; couponCode: string | null; couponValidUntil: Date | null },
  ): Promise<RedemptionRecord> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [RedemptionRow[], number] = await manager.query(
      `UPDATE loyalty.redemptions SET status = 'confirmed', movement_id = $2, coupon_code = $3, coupon_valid_until = $4, confirmed_at = now()
       WHERE id = $1 AND status = 'reserved' RETURNING ${REDEMPTION_COLUMNS}`,
      [redemptionId, confirmed.movementId, confirmed.couponCode, confirmed.couponValidUntil],
    );
    const row = rows[0];
    if (!row) throw new Error(`redemption ${redemptionId} was not reserved`);
    return toRedemption(row);
  }

  /**
   * Ends holds, set-based: the one named, or the reserved holds whose time ran out by `expiredBy`.
   * Only rows still reserved change and rows another transaction holds are skipped (it is releasing
   * or confirming them), so two runs at once, or one run twice, release each hold once. The caller
   * gives the answered rewards back to stock in the same transaction.
   */
  async release(manager: EntityManager, to: 'cancelled' | 'expired', which: HoldSelection): Promise<ReleasedHolds> {
    const byId = 'redemptionId' in which;
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [Array<{ reward_id: string | null; points: string | number }>, number] = await manager.query(
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
    const rewards = new Map<string, number>();
    for (const r of rows) if (r.reward_id) rewards.set(r.reward_id, (rewards.get(r.reward_id) ?? 0) + 1);
    return { holds: rows.length, points: rows.reduce((sum, r) => sum + Number(r.points), 0), rewards };
  }
}
