import { addCalendarMonths } from '@rapport/platform-business-calendar';
import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  PointsRedeemedV1,
  RewardRedeemedV1,
  type RedemptionHoldView,
  type RedemptionStatusView,
  type RedemptionView,
} from '@rapport/contracts';
import { OutboxWriter } from '@rapport/platform-messaging';
import { DataSource, type EntityManager } from 'typeorm';
import { LOYALTY_CONFIG, type LoyaltyConfig } from '../config/loyalty.config';
import type { LockedAccount } from '../ledger/accounts.repository';
import { consumeOldestFirst } from '../ledger/ledger-model';
import { insufficientPoints } from '../ledger/ledger.exception';
import { MovementsRepository } from '../ledger/movements.repository';
import { PostingService } from '../ledger/posting.service';
import { tierRank } from '../programme/programme';
import { ProgrammeRepository } from '../programme/programme.repository';
import { RewardsRepository, type RewardRecord } from '../rewards/rewards.repository';
import { availablePoints, decideHold, holdExpiry, type RedemptionStatus } from './redemption-hold';
import { RedemptionErrorCode, RedemptionException } from './redemption.exception';
import { RedemptionsRepository, type HoldSelection, type RedemptionRecord } from './redemptions.repository';

export interface RedemptionRequest {
  points?: number | undefined;
  rewardId?: string | undefined;
  hold?: boolean | undefined;
}

/** A coupon is valid this long after redemption, or until the reward's own end if that comes first. */
const COUPON_VALIDITY_MONTHS = 3;

/**
 * Spending points, at once or in two steps (a hold, then confirm or cancel). Every step takes the
 * member lock first, as every balance change does, so concurrent holds and redemptions never
 * promise the same points twice.
 */
@Injectable()
export class RedemptionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly redemptions: RedemptionsRepository,
    private readonly rewards: RewardsRepository,
    private readonly movements: MovementsRepository,
    private readonly programmes: ProgrammeRepository,
    private readonly posting: PostingService,
    private readonly outbox: OutboxWriter,
    @Inject(LOYALTY_CONFIG) private readonly config: LoyaltyConfig,
  ) {}

  /**
   * A plain redemption is reserved and confirmed in one transaction; with `hold` it stays a
   * reservation (points set aside, a reward taken from stock) until confirm, cancel or expiry. Either
   * way the member's available points — the balance less its running holds — must cover it, checked
   * under the member lock.
   */
  async redeem(customerId: string, request: RedemptionRequest): Promise<RedemptionView | RedemptionHoldView> {
    if ((request.points === undefined) === (request.rewardId === undefined)) {
      throw RedemptionException.onField(
        RedemptionErrorCode.InvalidRedemption,
        'Send either points or rewardId, not both and not neither',
        'points',
      );
    }
    return this.dataSource.transaction(async (manager) => {
      const now = new Date();
      const member = await this.posting.lockOpenAccount(manager, customerId);
      // Lazy release: the member's lapsed points holds go now (reward holds go with their reward below,
      // or with the scheduled job); a lapsed hold never counts against the balance either way.
      await this.release(manager, 'expired', { expiredBy: now, customerId, pointsOnly: true });
      let points = request.points ?? 0;
      let reward: RewardRecord | null = null;
      if (request.rewardId) {
        const { config } = await this.programmes.current(manager);
        reward = (await this.rewards.lock(manager, request.rewardId)) ?? null;
        if (!reward)
          throw new RedemptionException(
            RedemptionErrorCode.RewardNotFound,
            `Reward ${request.rewardId} does not exist`,
          );
        if (
          (reward.validFrom && reward.validFrom.getTime() > now.getTime()) ||
          (reward.validUntil && reward.validUntil.getTime() <= now.getTime())
        ) {
          throw RedemptionException.onField(
            RedemptionErrorCode.RewardNotAvailable,
            `Reward ${reward.id} is not available now`,
            'rewardId',
          );
        }
        if (reward.minTier && tierRank(config, member.tier) < tierRank(config, reward.minTier)) {
          throw RedemptionException.onField(
            RedemptionErrorCode.TierTooLow,
            `Reward ${reward.id} needs tier ${reward.minTier}`,
            'rewardId',
          );
        }
        points = reward.pointsPrice;
      }
      const held = await this.redemptions.heldPoints(manager, customerId, now);
      const available = availablePoints(member.balance, held);
      if (available < points) throw insufficientPoints(available, points, held);
      if (reward) {
        // Lapsed holds of this reward give their stock back first (the reward row is locked: no cycle).
        await this.release(manager, 'expired', { expiredBy: now, rewardId: reward.id });
        if (!(await this.rewards.takeFromStock(manager, reward.id))) {
          throw new RedemptionException(RedemptionErrorCode.RewardOutOfStock, `Reward ${reward.id} is out of stock`);
        }
      }
      const redemptionId = randomUUID();
      const rewardId = reward?.id ?? null;
      if (request.hold) {
        const expiresAt = holdExpiry(now, this.config.LOYALTY_HOLD_MINUTES);
        const createdAt = await this.redemptions.insert(manager, {
          id: redemptionId,
          customerId,
          rewardId,
          status: 'reserved',
          movementId: null,
          points,
          expiresAt,
          couponCode: null,
          couponValidUntil: null,
        });
        return {
          redemptionId,
          customerId,
          status: 'reserved' as const,
          points,
          rewardId,
          available: available - points,
          expiresAt: expiresAt.toISOString(),
          createdAt: createdAt.toISOString(),
        };
      }
      const spent = await this.spend(manager, member, { redemptionId, points, reward });
      await this.redemptions.insert(manager, {
        id: redemptionId,
        customerId,
        rewardId,
        status: 'confirmed',
        movementId: spent.movementId,
        points,
        expiresAt: null,
        couponCode: spent.couponCode,
        couponValidUntil: spent.couponValidUntil,
      });
      return spent.result;
    });
  }

  async get(customerId: string, redemptionId: string): Promise<RedemptionStatusView> {
    const redemption = await this.redemptions.find(customerId, redemptionId);
    if (!redemption) throw notFound(customerId, redemptionId);
    return toStatusView(redemption);
  }

  /**
   * Turns a hold into the spend, exactly as a plain redemption spends. A hold that ran out, or that the
   * balance no longer covers (expiry took points meanwhile), is let go — committed — and refused.
   */
  async confirm(customerId: string, redemptionId: string): Promise<RedemptionView> {
    const outcome = await this.dataSource.transaction(
      async (manager): Promise<RedemptionView | RedemptionException> => {
        const now = new Date();
        const { member, hold } = await this.lockHold(manager, customerId, redemptionId);
        const decision = decideHold(hold, 'confirm', now, member.balance);
        switch (decision.kind) {
          case 'refuse':
          case 'release':
            throw notReserved(hold.id, hold.status);
          case 'release-and-refuse':
            await this.release(manager, decision.to, { redemptionId });
            return decision.reason === 'expired'
              ? new RedemptionException(
                  RedemptionErrorCode.HoldExpired,
                  `Redemption ${redemptionId} was held until ${hold.expiresAt?.toISOString()}; it is released`,
                  {
                    redemptionStatus: decision.to,
                  },
                )
              : new RedemptionException(
                  RedemptionErrorCode.HoldNotCovered,
                  `The balance is ${member.balance} points but the hold is ${hold.points} (points expired meanwhile); it is released`,
                  { redemptionStatus: decision.to },
                );
          case 'spend': {
            const reward = hold.rewardId ? ((await this.rewards.lock(manager, hold.rewardId)) ?? null) : null;
            const spent = await this.spend(manager, member, { redemptionId, points: hold.points, reward });
            await this.redemptions.confirm(manager, redemptionId, spent);
            return { ...spent.result, createdAt: hold.createdAt.toISOString() };
          }
        }
      },
    );
    if (outcome instanceof RedemptionException) throw outcome;
    return outcome;
  }

  /** Lets a hold go: its points are available again and a reward goes back to stock. */
  async cancel(customerId: string, redemptionId: string): Promise<RedemptionStatusView> {
    return this.dataSource.transaction(async (manager) => {
      const { member, hold } = await this.lockHold(manager, customerId, redemptionId);
      const decision = decideHold(hold, 'cancel', new Date(), member.balance);
      if (decision.kind !== 'release') throw notReserved(hold.id, hold.status);
      await this.release(manager, decision.to, { redemptionId });
      return toStatusView((await this.redemptions.lock(manager, customerId, redemptionId))!);
    });
  }

  /** The set-based release of every hold whose time ran out by `asOf` (the scheduled job; safe to run twice or on two replicas). */
  async releaseExpiredHolds(asOf: Date, batch = 1000): Promise<{ holds: number; points: number }> {
    let holds = 0;
    let points = 0;
    for (;;) {
      const released = await this.dataSource.transaction((manager) =>
        this.release(manager, 'expired', { expiredBy: asOf, limit: batch }),
      );
      holds += released.holds;
      points += released.points;
      if (released.holds < batch) return { holds, points };
    }
  }

  /**
   * A merge (under both members' locks): the merged-away member's redemptions, running holds and
   * coupons move to the survivor, whose balance now holds the points the holds set aside.
   */
  async mergeInto(manager: EntityManager, fromId: string, toId: string): Promise<void> {
    await this.redemptions.rekey(manager, fromId, toId);
  }

  /** Points the member's running holds set aside, read under the member lock the caller holds. */
  async heldPoints(manager: EntityManager, customerId: string, at: Date): Promise<number> {
    return this.redemptions.heldPoints(manager, customerId, at);
  }

  /** Ends holds and gives their rewards back to stock, in the caller's transaction. */
  private async release(
    manager: EntityManager,
    to: 'cancelled' | 'expired',
    which: HoldSelection,
  ): Promise<{ holds: number; points: number }> {
    const { holds, points, rewards } = await this.redemptions.release(manager, to, which);
    await this.rewards.restock(manager, rewards);
    return { holds, points };
  }

  /** The member (locked first, as every balance change does) and its redemption, locked; 404 for another member's. */
  private async lockHold(
    manager: EntityManager,
    customerId: string,
    redemptionId: string,
  ): Promise<{ member: LockedAccount; hold: RedemptionRecord }> {
    const member = await this.posting.lockOpenAccount(manager, customerId);
    const hold = await this.redemptions.lock(manager, customerId, redemptionId);
    if (!hold) throw notFound(customerId, redemptionId);
    return { member, hold };
  }

  /**
   * Spends redeemed points: oldest lots first, one movement with its two entries, a coupon for a
   * reward, and points.redeemed (and reward.redeemed) in the outbox. The caller writes the redemption row.
   */
  private async spend(
    manager: EntityManager,
    member: LockedAccount,
    redemption: { redemptionId: string; points: number; reward: RewardRecord | null },
  ): Promise<{ movementId: string; couponCode: string | null; couponValidUntil: Date | null; result: RedemptionView }> {
    const { redemptionId, points, reward } = redemption;
    const customerId = member.customerId;
    if (member.balance < points) throw insufficientPoints(member.balance, points, 0);
    const plan = consumeOldestFirst(await this.movements.openLots(manager, customerId), points);
    if (plan.taken !== points)
      throw new Error(`lots of ${customerId} hold ${plan.taken} but the balance says ${member.balance}`);
    const movementId = await this.posting.post(manager, member, 'redeem', -points, {
      sourceId: `redemption:${redemptionId}`,
      reason: reward ? `reward ${reward.id}` : 'points redemption',
      allocations: plan.allocations,
    });
    let couponCode: string | null = null;
    let couponValidUntil: Date | null = null;
    if (reward) {
      couponCode = `RP-${randomBytes(6).toString('hex').toUpperCase()}`;
      const window = addCalendarMonths(new Date(), COUPON_VALIDITY_MONTHS);
      couponValidUntil = reward.validUntil && reward.validUntil < window ? reward.validUntil : window;
    }
    const occurredAt = new Date().toISOString();
    await this.outbox.add(manager, PointsRedeemedV1, customerId, {
      customerId,
      movementId,
      points,
      redemptionId,
      balance: member.balance,
      occurredAt,
    });
    if (reward) {
      await this.outbox.add(manager, RewardRedeemedV1, customerId, {
        customerId,
        rewardId: reward.id,
        redemptionId,
        points,
        couponCode: couponCode!,
        occurredAt,
      });
    }
    return {
      movementId,
      couponCode,
      couponValidUntil,
      result: {
        redemptionId,
        customerId,
        status: 'confirmed',
        points,
        balance: member.balance,
        rewardId: reward?.id ?? null,
        couponCode,
        couponValidUntil: couponValidUntil?.toISOString() ?? null,
        createdAt: occurredAt,
      },
    };
  }
}

function toStatusView(r: RedemptionRecord): RedemptionStatusView {
  return {
    redemptionId: r.id,
    customerId: r.customerId,
    status: r.status,
    points: r.points,
    rewardId: r.rewardId,
    movementId: r.movementId,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    couponCode: r.couponCode,
    couponValidUntil: r.couponValidUntil?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    confirmedAt: r.confirmedAt?.toISOString() ?? null,
    releasedAt: r.releasedAt?.toISOString() ?? null,
  };
}

function notFound(customerId: string, redemptionId: string): RedemptionException {
  return new RedemptionException(
    RedemptionErrorCode.RedemptionNotFound,
    `Customer ${customerId} has no redemption ${redemptionId}`,
  );
}

function notReserved(redemptionId: string, status: RedemptionStatus): RedemptionException {
  return new RedemptionException(
    RedemptionErrorCode.NotReserved,
    `Redemption ${redemptionId} is ${status}, not reserved`,
    { redemptionStatus: status },
  );
}
