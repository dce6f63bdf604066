import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface LedgerMovementExport {
  seq: number;
  id: string;
  kind: string;
  points: number;
  balanceAfter: number;
  shortfall: number;
  sourceId: string | null;
  reason: string | null;
  actor: string | null;
  createdAt: string;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

/**
 * Read-only SQL over loyalty's tables for the subject access export. It reads, never writes, and
 * stays apart from the ledger's own repository so the ledger can change without touching it.
 */
@Injectable()
export class LoyaltySubjectRightsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async account(customerId: string): Promise<Record<string, unknown> | null> {
    const [member] = await this.dataSource.query(
      `SELECT m.customer_id, m.kind, m.balance::int, m.tier, m.tier_period_ends_at, m.created_at, m.known_since, m.erased_at,
              (SELECT code FROM loyalty.referral_codes rc WHERE rc.customer_id = m.customer_id) AS referral_code,
              (SELECT count(*)::int FROM loyalty.member_fingerprints f WHERE f.customer_id = m.customer_id) AS fingerprints
         FROM loyalty.members m WHERE m.customer_id = $1`,
      [customerId],
    );
    if (!member) return null;
    const tierHistory: Array<{ from_tier: string | null; to_tier: string | null; reason: string; changed_at: Date }> =
      await this.dataSource.query(
        `SELECT from_tier, to_tier, reason, changed_at FROM loyalty.tier_history WHERE customer_id = $1 ORDER BY id`,
        [customerId],
      );
    return {
      customerId: member.customer_id,
      kind: member.kind,
      balance: member.balance,
      tier: member.tier,
      tierPeriodEndsAt: iso(member.tier_period_ends_at),
      createdAt: iso(member.created_at),
      erasedAt: iso(member.erased_at),
      referralCode: member.referral_code,
      // Keyed hashes of contacts (no readable phone or email is kept here): said, not shown.
      contactFingerprints: member.fingerprints,
      tierHistory: tierHistory.map((t) => ({
        from: t.from_tier,
        to: t.to_tier,
        reason: t.reason,
        changedAt: iso(t.changed_at),
      })),
    };
  }

  /** One keyset page of the member's movements, oldest first. */
  async movementPage(
    customerId: string,
    after: LedgerMovementExport | undefined,
    limit: number,
  ): Promise<LedgerMovementExport[]> {
    const rows: Array<{
      seq: string;
      id: string;
      kind: string;
      points: number;
      balance_after: number;
      shortfall: number;
      source_id: string | null;
      reason: string | null;
      actor: string | null;
      created_at: Date;
    }> = await this.dataSource.query(
      `SELECT seq, id, kind, points::int, balance_after::int, shortfall::int, source_id, reason, actor, created_at
           FROM loyalty.movements WHERE customer_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [customerId, after?.seq ?? 0, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      id: r.id,
      kind: r.kind,
      points: r.points,
      balanceAfter: r.balance_after,
      shortfall: r.shortfall,
      sourceId: r.source_id,
      reason: r.reason,
      actor: r.actor,
      createdAt: iso(r.created_at)!,
    }));
  }

  async lots(customerId: string): Promise<Array<Record<string, unknown>>> {
    const rows: Array<{
      id: string;
      source_id: string | null;
      points: number;
      remaining: number;
      earned_at: Date;
      expires_at: Date;
    }> = await this.dataSource.query(
      `SELECT id, source_id, points::int, remaining::int, earned_at, expires_at FROM loyalty.lots WHERE customer_id = $1 ORDER BY earned_at, id`,
      [customerId],
    );
    return rows.map((r) => ({
      id: r.id,
      sourceId: r.source_id,
      points: r.points,
      remaining: r.remaining,
      earnedAt: iso(r.earned_at),
      expiresAt: iso(r.expires_at),
    }));
  }

  /** The purchases and refunds as loyalty counted them for points. */
  async purchasePoints(customerId: string): Promise<Array<Record<string, unknown>>> {
    const rows: Array<{
      purchase_id: string;
      total_base: string;
      refunded_base: string;
      points_earned: number;
      points_reversed: number;
      occurred_at: Date;
      refunds: Array<Record<string, unknown>>;
    }> = await this.dataSource.query(
      `SELECT p.purchase_id, p.total_base::text, p.refunded_base::text, p.points_earned::int, p.points_reversed::int, p.occurred_at,
                COALESCE((SELECT json_agg(json_build_object('refundId', r.refund_id, 'amountBase', r.amount_base::text, 'points', r.points,
                            'shortfall', r.shortfall, 'occurredAt', r.occurred_at) ORDER BY r.occurred_at, r.refund_id)
                            FROM loyalty.refunds r WHERE r.purchase_id = p.purchase_id AND r.customer_id = p.customer_id), '[]') AS refunds
           FROM loyalty.purchases p WHERE p.customer_id = $1 ORDER BY p.occurred_at, p.purchase_id`,
      [customerId],
    );
    return rows.map((r) => ({
      purchaseId: r.purchase_id,
      totalBase: r.total_base,
      refundedBase: r.refunded_base,
      pointsEarned: r.points_earned,
      pointsReversed: r.points_reversed,
      occurredAt: iso(r.occurred_at),
      refunds: r.refunds,
    }));
  }

  /** Redemptions (holds included) and, apart, the coupons they issued. */
  async redemptions(
    customerId: string,
  ): Promise<{ redemptions: Array<Record<string, unknown>>; coupons: Array<Record<string, unknown>> }> {
    const rows: Array<{
      id: string;
      reward_id: string | null;
      reward_name: string | null;
      points: number;
      status: string;
      coupon_code: string | null;
      coupon_valid_until: Date | null;
      coupon_used_at: Date | null;
      created_at: Date;
      confirmed_at: Date | null;
      expires_at: Date | null;
      released_at: Date | null;
    }> = await this.dataSource.query(
      `SELECT d.id, d.reward_id, w.name AS reward_name, d.points::int, d.status, d.coupon_code, d.coupon_valid_until, d.coupon_used_at,
              d.created_at, d.confirmed_at, d.expires_at, d.released_at
         FROM loyalty.redemptions d LEFT JOIN loyalty.rewards w ON w.id = d.reward_id
        WHERE d.customer_id = $1 ORDER BY d.created_at, d.id`,
      [customerId],
    );
    return {
      redemptions: rows.map((r) => ({
        id: r.id,
        rewardId: r.reward_id,
        rewardName: r.reward_name,
        points: r.points,
        status: r.status,
        createdAt: iso(r.created_at),
        confirmedAt: iso(r.confirmed_at),
        holdExpiresAt: iso(r.expires_at),
        releasedAt: iso(r.released_at),
      })),
      coupons: rows
        .filter((r) => r.coupon_code !== null)
        .map((r) => ({
          code: r.coupon_code,
          redemptionId: r.id,
          rewardId: r.reward_id,
          validUntil: iso(r.coupon_valid_until),
          usedAt: iso(r.coupon_used_at),
        })),
    };
  }

  /** Referrals the customer made and the one that brought the customer in. */
  async referrals(customerId: string): Promise<Array<Record<string, unknown>>> {
    const rows: Array<{
      referrer_id: string;
      referred_id: string;
      status: string;
      created_at: Date;
      completed_at: Date | null;
    }> = await this.dataSource.query(
      `SELECT referrer_id, referred_id, status, created_at, completed_at FROM loyalty.referrals
        WHERE referrer_id = $1 OR referred_id = $1 ORDER BY created_at, referred_id`,
      [customerId],
    );
    return rows.map((r) => ({
      role: r.referrer_id === customerId ? 'referrer' : 'referred',
      referrerId: r.referrer_id,
      referredId: r.referred_id,
      status: r.status,
      createdAt: iso(r.created_at),
      completedAt: iso(r.completed_at),
    }));
  }
}
