import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  PointsEarnedV1,
  PointsExpiredV1,
  PointsRedeemedV1,
  PointsReversedV1,
  ReferralCompletedV1,
  RewardRedeemedV1,
  TierChangedV1,
  type EventData,
  type PurchaseRecordedV1,
  type PurchaseRefundedV1,
} from '@rapport/contracts';
import { OutboxWriter, type PendingEvent } from '@rapport/platform-messaging';
import { DataSource, type EntityManager } from 'typeorm';
import {
  expiryOf,
  pointsForPurchase,
  qualifyingTier,
  tierAfterPurchase,
  tierAtReview,
  tierRank,
  type Programme,
  type TierDecision,
} from '../programme/programme';
import { consumeOldestFirst, entriesFor, expiredAllocations, reversalPoints, type Allocation, type Entry, type MovementKind } from './ledger-model';
import { LedgerErrorCode, LedgerException } from './ledger.exception';
import { LedgerRepository, type LockedMember, type MovementRow, type NewLot, type RedemptionRow, type RewardRow, type TierChangeRow } from './ledger.repository';
import { LOYALTY_CONFIG, type LoyaltyConfig } from './loyalty.config';
import { availablePoints, decideHold, holdExpiry, type RedemptionStatus } from './redemption-hold';
import { RedemptionErrorCode, RedemptionException } from './redemption.exception';
import { addMonths, parseDecimal } from './money';

export interface RedemptionResult {
  redemptionId: string;
  customerId: string;
  status: 'confirmed';
  points: number;
  balance: number;
  rewardId: string | null;
  couponCode: string | null;
  couponValidUntil: string | null;
  createdAt: string;
}

/** A hold: points set aside (and a reward taken from stock) until confirm, cancel or `expiresAt`. */
export interface HoldResult {
  redemptionId: string;
  customerId: string;
  status: 'reserved';
  points: number;
  rewardId: string | null;
  /** What the member can still spend or hold after this one. */
  available: number;
  expiresAt: string;
  createdAt: string;
}

/** A coupon is valid this long after redemption, or until the reward's own end if that comes first. */
const COUPON_VALIDITY_MONTHS = 3;

/**
 * Every balance change takes the member row lock first (SELECT … FOR UPDATE), plans with the pure
 * ledger rules, then appends one movement with two entries and moves the lots, with its event in the
 * outbox — all in one transaction. Concurrent redemptions therefore queue on the member and can
 * never spend the same points twice.
 */
@Injectable()
export class LedgerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerRepository,
    private readonly outbox: OutboxWriter,
    @Inject(LOYALTY_CONFIG) private readonly config: LoyaltyConfig,
  ) {}

  async openAccount(manager: EntityManager, customer: { customerId: string; kind: string; createdAt: string }): Promise<void> {
    await this.ledger.openMember(manager, customer);
  }

  /**
   * Earns for a run of purchases, set-based: a handful of statements for the whole run instead of a
   * handful per purchase. The rules run in order in memory exactly as if the purchases came one by one
   * (each purchase's multiplier is the tier its predecessors left; each qualification window counts
   * the recorded purchases plus the earlier ones of the run). Once per purchase id, whatever the event id.
   */
  async earn(manager: EntityManager, purchases: ReadonlyArray<EventData<typeof PurchaseRecordedV1>>): Promise<void> {
    const members = await this.ledger.openAndLockMembers(
      manager,
      [...new Map(purchases.map((p) => [p.customerId, { customerId: p.customerId, kind: 'person', createdAt: p.occurredAt }])).values()],
    );
    const recorded = await this.ledger.recordedPurchases(manager, purchases.map((p) => p.purchaseId));
    const fresh = purchases.filter((p) => !members.get(p.customerId)!.erased && !recorded.has(p.purchaseId) && recorded.add(p.purchaseId));
    if (fresh.length === 0) return;
    const { config } = await this.ledger.programme(manager);
    const windows = fresh.map((p) => ({ customerId: p.customerId, until: new Date(p.occurredAt), since: addMonths(new Date(p.occurredAt), -config.qualificationMonths) }));
    const recordedWindows = await this.ledger.qualificationWindows(manager, windows);

    const plan = new EarnPlan();
    const earnedInRun: Array<{ customerId: string; at: Date; totalBase: bigint; points: number }> = [];
    fresh.forEach((purchase, i) => {
      const member = members.get(purchase.customerId)!;
      const { since, until } = windows[i]!;
      const points = pointsForPurchase(config, purchase, member.tier);
      plan.purchases.push({ purchaseId: purchase.purchaseId, customerId: member.customerId, totalBase: purchase.totalBase, pointsEarned: points, occurredAt: purchase.occurredAt });
      if (points > 0) {
        const sourceId = `purchase:${purchase.purchaseId}`;
        const expiresAt = expiryOf(config, until);
        const movement = this.movement(member, 'earn', points, { sourceId, reason: 'purchase' });
        plan.postings.push({ movement, entries: entriesFor('earn', points), lot: { id: randomUUID(), sourceId, earnedAt: until, expiresAt } });
        plan.events.push({
          definition: PointsEarnedV1,
          subject: member.customerId,
          data: { customerId: member.customerId, movementId: movement.id, points, reason: 'purchase', sourceId: purchase.purchaseId, expiresAt: expiresAt.toISOString(), balance: member.balance, occurredAt: new Date().toISOString() },
        });
      }
      // The window holds the recorded purchases, this run's earlier ones and this one.
      earnedInRun.push({ customerId: member.customerId, at: until, totalBase: parseDecimal(purchase.totalBase), points });
      const window = { ...recordedWindows[i]! };
      for (const earned of earnedInRun) {
        if (earned.customerId === member.customerId && earned.at > since && earned.at <= until) {
          window.spend += earned.totalBase;
          window.points += earned.points;
        }
      }
      const change = this.changeTier(member, tierAfterPurchase(config, member.tier, qualifyingTier(config, window), until));
      if (change) {
        plan.tierChanges.push(change.history);
        plan.events.push(change.event);
      }
    });
    await this.ledger.insertPurchases(manager, plan.purchases);
    await this.ledger.appendMovements(manager, plan.postings);
    await this.ledger.updateMembers(manager, [...new Set(fresh.map((p) => members.get(p.customerId)!))]);
    await this.ledger.insertTierHistory(manager, plan.tierChanges);
    await this.outbox.addMany(manager, plan.events);
    // Rare, so one at a time, after the run's own postings (which the member rows now hold).
    for (const purchase of fresh) {
      const { referralPending, ...member } = members.get(purchase.customerId)!;
      if (referralPending) await this.completeReferral(manager, member, config, purchase);
    }
  }

  /** The member's code to hand to friends. */
  async referralCode(customerId: string): Promise<{ customerId: string; code: string }> {
    const member = await this.dataSource.transaction((manager) => this.ledger.lockMember(manager, customerId));
    if (!member || member.erased) throw new LedgerException(LedgerErrorCode.MemberNotFound, `Customer ${customerId} has no loyalty account`);
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = await this.ledger.issueReferralCode(customerId, randomBytes(5).toString('hex').toUpperCase());
      if (code) return { customerId, code };
    }
    throw new Error('could not issue a unique referral code');
  }

  /**
   * A new customer names who referred them, before their first purchase. Self-referral, mutual
   * referral and referral between customers sharing a phone, email or identifier are refused (the
   * latter by the contact fingerprints customer-profile publishes: loyalty holds no readable contact).
   */
  async registerReferral(referredId: string, code: string): Promise<{ referredId: string; referrerId: string; status: 'pending'; createdAt: string }> {
    return this.dataSource.transaction(async (manager) => {
      const member = await this.ledger.lockMember(manager, referredId);
      if (!member || member.erased) throw new LedgerException(LedgerErrorCode.MemberNotFound, `Customer ${referredId} has no loyalty account`);
      const referrerId = await this.ledger.referrerByCode(manager, code);
      if (!referrerId) throw new LedgerException(LedgerErrorCode.UnknownReferralCode, `No member has the referral code ${code}`, 'code');
      if (referrerId === referredId) throw new LedgerException(LedgerErrorCode.SelfReferral, 'A member cannot refer themselves', 'code');
      if (await this.ledger.referralOf(manager, referredId)) {
        throw new LedgerException(LedgerErrorCode.AlreadyReferred, `Customer ${referredId} was already referred`);
      }
      if (await this.ledger.hasPurchases(manager, referredId)) {
        throw new LedgerException(LedgerErrorCode.AlreadyPurchased, 'A referral must be registered before the first purchase');
      }
      const reverse = await this.ledger.referralOf(manager, referrerId);
      if (reverse?.referrerId === referredId) {
        throw new LedgerException(LedgerErrorCode.MutualReferral, 'Two members cannot refer each other', 'code');
      }
      // Equal contact fingerprints (keyed hashes from customer-profile): likely the same person twice.
      if (await this.ledger.shareContact(manager, referredId, referrerId)) {
        throw new LedgerException(LedgerErrorCode.SharedContact, 'The referrer and the referred customer share a phone, email or identifier', 'code');
      }
      const createdAt = await this.ledger.insertReferral(manager, referredId, referrerId);
      return { referredId, referrerId, status: 'pending' as const, createdAt: createdAt.toISOString() };
    });
  }

  /** Rewards both sides once, on the referred member's first purchase of at least the programme's minimum. */
  private async completeReferral(manager: EntityManager, referred: LockedMember, config: Programme, purchase: EventData<typeof PurchaseRecordedV1>): Promise<void> {
    const referral = await this.ledger.referralOf(manager, referred.customerId);
    if (!referral || referral.status !== 'pending') return;
    if (parseDecimal(purchase.totalBase) < parseDecimal(config.referral.minPurchase)) return;
    const at = new Date(purchase.occurredAt);
    const tag = `referral:${referred.customerId}`;
    if (config.referral.referredPoints > 0) {
      await this.credit(manager, referred, config, config.referral.referredPoints, { sourceId: `${tag}:referred`, reason: 'referral', earnedAt: at });
    }
    const referrer = await this.ledger.lockMember(manager, referral.referrerId);
    if (referrer && !referrer.erased && config.referral.referrerPoints > 0) {
      await this.credit(manager, referrer, config, config.referral.referrerPoints, { sourceId: `${tag}:referrer`, reason: 'referral', earnedAt: at });
    }
    await this.ledger.completeReferral(manager, referred.customerId);
    await this.outbox.add(manager, ReferralCompletedV1, referred.customerId, {
      customerId: referred.customerId,
      referrerId: referral.referrerId,
      referredId: referred.customerId,
      occurredAt: new Date().toISOString(),
    });
  }

  /** A credit: the movement, a new lot with the programme's validity, and points.earned. */
  private async credit(
    manager: EntityManager,
    member: LockedMember,
    config: Programme,
    points: number,
    options: { sourceId: string; reason: string; earnedAt: Date; eventSourceId?: string },
  ): Promise<void> {
    const expiresAt = expiryOf(config, options.earnedAt);
    const lot = { id: randomUUID(), sourceId: options.sourceId, earnedAt: options.earnedAt, expiresAt };
    const movementId = await this.post(manager, member, 'earn', points, { sourceId: options.sourceId, reason: options.reason, lot });
    await this.outbox.add(manager, PointsEarnedV1, member.customerId, {
      customerId: member.customerId,
      movementId,
      points,
      reason: options.reason,
      sourceId: options.eventSourceId ?? options.sourceId,
      expiresAt: expiresAt.toISOString(),
      balance: member.balance,
      occurredAt: new Date().toISOString(),
    });
  }

  /**
   * Takes back points in proportion to the refunded amount, from the purchase's own lot first and
   * then oldest first; what the balance cannot cover is recorded as a shortfall, never a negative lot.
   */
  async reverse(manager: EntityManager, refund: EventData<typeof PurchaseRefundedV1>): Promise<void> {
    const member = await this.ledger.lockMember(manager, refund.customerId);
    // The same refund under another event id (a re-publication) is a no-op: refund ids are unique sources.
    if (await this.ledger.refundSeen(manager, refund.refundId)) return;
    const purchase = await this.ledger.lockPurchase(manager, refund.purchaseId);
    const due = member && purchase
      ? reversalPoints(purchase.pointsEarned, purchase.pointsReversed, purchase.refundedBase + parseDecimal(refund.amountBase), purchase.totalBase)
      : 0;
    let taken = 0;
    let movementId: string | undefined;
    if (member && due > 0) {
      const plan = consumeOldestFirst(await this.ledger.openLots(manager, member.customerId), due, `purchase:${refund.purchaseId}`);
      taken = plan.taken;
      movementId = await this.post(manager, member, 'reverse', -taken, {
        sourceId: `refund:${refund.refundId}`,
        reason: 'refund',
        shortfall: due - taken,
        allocations: plan.allocations,
      });
    }
    // An unknown purchase (refunded before it reached loyalty, or earned nothing) is kept on record with 0 points.
    await this.ledger.insertRefund(manager, {
      refundId: refund.refundId,
      purchaseId: refund.purchaseId,
      customerId: refund.customerId,
      amountBase: refund.amountBase,
      points: taken,
      shortfall: due - taken,
      occurredAt: refund.occurredAt,
    });
    if (purchase) await this.ledger.addRefundToPurchase(manager, refund.purchaseId, refund.amountBase, due);
    if (member && movementId) {
      await this.outbox.add(manager, PointsReversedV1, member.customerId, {
        customerId: member.customerId,
        movementId,
        points: taken,
        shortfall: due - taken,
        refundId: refund.refundId,
        balance: member.balance,
        occurredAt: new Date().toISOString(),
      });
    }
  }

  /**
   * A plain redemption is reserved and confirmed in one transaction; with `hold` it stays a
   * reservation (points set aside, a reward taken from stock) until confirm, cancel or expiry. Either
   * way the member's available points — the balance less its running holds — must cover it, checked
   * under the member lock, so concurrent holds and redemptions never promise the same points twice.
   */
  async redeem(
    customerId: string,
    request: { points?: number | undefined; rewardId?: string | undefined; hold?: boolean | undefined },
  ): Promise<RedemptionResult | HoldResult> {
    if ((request.points === undefined) === (request.rewardId === undefined)) {
      throw new LedgerException(LedgerErrorCode.InvalidRedemption, 'Send either points or rewardId, not both and not neither', 'points');
    }
    return this.dataSource.transaction(async (manager) => {
      const now = new Date();
      const member = await this.ledger.lockMember(manager, customerId);
      if (!member || member.erased) throw new LedgerException(LedgerErrorCode.MemberNotFound, `Customer ${customerId} has no loyalty account`);
      // Lazy release: the member's lapsed points holds go now (reward holds go with their reward below,
      // or with the scheduled job); a lapsed hold never counts against the balance either way.
      await this.ledger.releaseHolds(manager, 'expired', { expiredBy: now, customerId, pointsOnly: true });
      let points = request.points ?? 0;
      let reward: RewardRow | null = null;
      if (request.rewardId) {
        const { config } = await this.ledger.programme(manager);
        reward = (await this.ledger.lockReward(manager, request.rewardId)) ?? null;
        if (!reward) throw new LedgerException(LedgerErrorCode.RewardNotFound, `Reward ${request.rewardId} does not exist`);
        if ((reward.validFrom && reward.validFrom.getTime() > now.getTime()) || (reward.validUntil && reward.validUntil.getTime() <= now.getTime())) {
          throw new LedgerException(LedgerErrorCode.RewardNotAvailable, `Reward ${reward.id} is not available now`, 'rewardId');
        }
        if (reward.minTier && tierRank(config, member.tier) < tierRank(config, reward.minTier)) {
          throw new LedgerException(LedgerErrorCode.TierTooLow, `Reward ${reward.id} needs tier ${reward.minTier}`, 'rewardId');
        }
        points = reward.pointsPrice;
      }
      const held = await this.ledger.heldPoints(manager, customerId, now);
      const available = availablePoints(member.balance, held);
      if (available < points) throw insufficient(available, points, held);
      if (reward) {
        // Lapsed holds of this reward give their stock back first (the reward row is locked: no cycle).
        await this.ledger.releaseHolds(manager, 'expired', { expiredBy: now, rewardId: reward.id });
        if (!(await this.ledger.takeFromStock(manager, reward.id))) {
          throw new LedgerException(LedgerErrorCode.RewardOutOfStock, `Reward ${reward.id} is out of stock`);
        }
      }
      const redemptionId = randomUUID();
      const rewardId = reward?.id ?? null;
      if (request.hold) {
        const expiresAt = holdExpiry(now, this.config.LOYALTY_HOLD_MINUTES);
        const createdAt = await this.ledger.insertRedemption(manager, {
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
      await this.ledger.insertRedemption(manager, {
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

  /**
   * Turns a hold into the spend, exactly as a plain redemption spends. A hold that ran out, or that the
   * balance no longer covers (expiry took points meanwhile), is let go — committed — and refused.
   */
  async confirmRedemption(customerId: string, redemptionId: string): Promise<RedemptionResult> {
    const outcome = await this.dataSource.transaction(async (manager): Promise<RedemptionResult | RedemptionException> => {
      const now = new Date();
      const { member, hold } = await this.lockHold(manager, customerId, redemptionId);
      const decision = decideHold(hold, 'confirm', now, member.balance);
      switch (decision.kind) {
        case 'refuse':
        case 'release':
          throw notReserved(hold.id, hold.status);
        case 'release-and-refuse':
          await this.ledger.releaseHolds(manager, decision.to, { redemptionId });
          return decision.reason === 'expired'
            ? new RedemptionException(RedemptionErrorCode.HoldExpired, `Redemption ${redemptionId} was held until ${hold.expiresAt?.toISOString()}; it is released`, {
                redemptionStatus: decision.to,
              })
            : new RedemptionException(
                RedemptionErrorCode.HoldNotCovered,
                `The balance is ${member.balance} points but the hold is ${hold.points} (points expired meanwhile); it is released`,
                { redemptionStatus: decision.to },
              );
        case 'spend': {
          const reward = hold.rewardId ? ((await this.ledger.lockReward(manager, hold.rewardId)) ?? null) : null;
          const spent = await this.spend(manager, member, { redemptionId, points: hold.points, reward });
          await this.ledger.confirmRedemption(manager, redemptionId, spent);
          return { ...spent.result, createdAt: hold.createdAt.toISOString() };
        }
      }
    });
    if (outcome instanceof RedemptionException) throw outcome;
    return outcome;
  }

  /** Lets a hold go: its points are available again and a reward goes back to stock. */
  async cancelRedemption(customerId: string, redemptionId: string): Promise<RedemptionRow> {
    return this.dataSource.transaction(async (manager) => {
      const { member, hold } = await this.lockHold(manager, customerId, redemptionId);
      const decision = decideHold(hold, 'cancel', new Date(), member.balance);
      if (decision.kind !== 'release') throw notReserved(hold.id, hold.status);
      await this.ledger.releaseHolds(manager, decision.to, { redemptionId });
      return (await this.ledger.lockRedemption(manager, customerId, redemptionId))!;
    });
  }

  /** The set-based release of every hold whose time ran out by `asOf` (the scheduled job; safe to run twice or on two replicas). */
  async releaseExpiredHolds(asOf: Date, batch = 1000): Promise<{ holds: number; points: number }> {
    let holds = 0;
    let points = 0;
    for (;;) {
      const released = await this.dataSource.transaction((manager) => this.ledger.releaseHolds(manager, 'expired', { expiredBy: asOf, limit: batch }));
      holds += released.holds;
      points += released.points;
      if (released.holds < batch) return { holds, points };
    }
  }

  /** The member (locked first, as every balance change does) and its redemption, locked; 404 for another member's. */
  private async lockHold(manager: EntityManager, customerId: string, redemptionId: string): Promise<{ member: LockedMember; hold: RedemptionRow }> {
    const member = await this.ledger.lockMember(manager, customerId);
    if (!member || member.erased) throw new LedgerException(LedgerErrorCode.MemberNotFound, `Customer ${customerId} has no loyalty account`);
    const hold = await this.ledger.lockRedemption(manager, customerId, redemptionId);
    if (!hold) throw new RedemptionException(RedemptionErrorCode.RedemptionNotFound, `Customer ${customerId} has no redemption ${redemptionId}`);
    return { member, hold };
  }

  /**
   * Spends redeemed points: oldest lots first, one movement with its two entries, a coupon for a
   * reward, and points.redeemed (and reward.redeemed) in the outbox. The caller writes the redemption row.
   */
  private async spend(
    manager: EntityManager,
    member: LockedMember,
    redemption: { redemptionId: string; points: number; reward: RewardRow | null },
  ): Promise<{ movementId: string; couponCode: string | null; couponValidUntil: Date | null; result: RedemptionResult }> {
    const { redemptionId, points, reward } = redemption;
    const customerId = member.customerId;
    if (member.balance < points) throw insufficient(member.balance, points, 0);
    const plan = consumeOldestFirst(await this.ledger.openLots(manager, customerId), points);
    if (plan.taken !== points) throw new Error(`lots of ${customerId} hold ${plan.taken} but the balance says ${member.balance}`);
    const movementId = await this.post(manager, member, 'redeem', -points, {
      sourceId: `redemption:${redemptionId}`,
      reason: reward ? `reward ${reward.id}` : 'points redemption',
      allocations: plan.allocations,
    });
    let couponCode: string | null = null;
    let couponValidUntil: Date | null = null;
    if (reward) {
      couponCode = `RP-${randomBytes(6).toString('hex').toUpperCase()}`;
      const window = addMonths(new Date(), COUPON_VALIDITY_MONTHS);
      couponValidUntil = reward.validUntil && reward.validUntil < window ? reward.validUntil : window;
    }
    const occurredAt = new Date().toISOString();
    await this.outbox.add(manager, PointsRedeemedV1, customerId, { customerId, movementId, points, redemptionId, balance: member.balance, occurredAt });
    if (reward) {
      await this.outbox.add(manager, RewardRedeemedV1, customerId, { customerId, rewardId: reward.id, redemptionId, points, couponCode: couponCode!, occurredAt });
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

  /** A manual credit (a new lot) or debit (oldest first, never below zero), with its reason and who made it. */
  async adjust(customerId: string, points: number, reason: string, actor: string): Promise<{ movementId: string; balance: number }> {
    return this.dataSource.transaction(async (manager) => {
      const member = await this.ledger.lockMember(manager, customerId);
      if (!member || member.erased) throw new LedgerException(LedgerErrorCode.MemberNotFound, `Customer ${customerId} has no loyalty account`);
      const occurredAt = new Date();
      if (points > 0) {
        const { config } = await this.ledger.programme(manager);
        const expiresAt = expiryOf(config, occurredAt);
        const lot = { id: randomUUID(), sourceId: null, earnedAt: occurredAt, expiresAt };
        const movementId = await this.post(manager, member, 'adjust', points, { reason, actor, lot });
        await this.outbox.add(manager, PointsEarnedV1, customerId, {
          customerId,
          movementId,
          points,
          reason: 'adjustment',
          expiresAt: expiresAt.toISOString(),
          balance: member.balance,
          occurredAt: occurredAt.toISOString(),
        });
        return { movementId, balance: member.balance };
      }
      const debit = -points;
      // Points promised to a running hold are not the admin's to take: the hold could no longer be confirmed.
      const held = await this.ledger.heldPoints(manager, customerId, occurredAt);
      const available = availablePoints(member.balance, held);
      if (available < debit) throw insufficient(available, debit, held);
      const plan = consumeOldestFirst(await this.ledger.openLots(manager, customerId), debit);
      const movementId = await this.post(manager, member, 'adjust', points, { reason, actor, allocations: plan.allocations });
      await this.outbox.add(manager, PointsReversedV1, customerId, {
        customerId,
        movementId,
        points: debit,
        shortfall: 0,
        balance: member.balance,
        occurredAt: occurredAt.toISOString(),
      });
      return { movementId, balance: member.balance };
    });
  }

  /**
   * Expires what is left in lots whose validity ended by `asOf`, one member per transaction under the
   * member lock: a second run (or a second replica) finds nothing left and does nothing.
   */
  async expire(asOf: Date, batch = 500): Promise<{ members: number; points: number }> {
    let members = 0;
    let total = 0;
    for (;;) {
      const customers = await this.ledger.customersWithExpiredLots(asOf, batch);
      for (const customerId of customers) {
        const expired = await this.dataSource.transaction(async (manager) => {
          const member = await this.ledger.lockMember(manager, customerId);
          if (!member) return 0;
          const allocations = expiredAllocations(await this.ledger.openLots(manager, customerId), asOf);
          const points = allocations.reduce((sum, a) => sum + a.points, 0);
          if (points === 0) return 0;
          const movementId = await this.post(manager, member, 'expire', -points, { reason: `expired as of ${asOf.toISOString()}`, allocations });
          await this.outbox.add(manager, PointsExpiredV1, customerId, {
            customerId,
            movementId,
            points,
            balance: member.balance,
            occurredAt: new Date().toISOString(),
          });
          return points;
        });
        if (expired > 0) {
          members++;
          total += expired;
        }
      }
      if (customers.length < batch) return { members, points: total };
    }
  }

  /** Tier review at the end of each member's qualification period: renew, or move down. */
  async reviewTiers(asOf: Date, batch = 500): Promise<{ reviewed: number; changed: number }> {
    let reviewed = 0;
    let changed = 0;
    for (;;) {
      const customers = await this.ledger.membersDueForReview(asOf, batch);
      for (const customerId of customers) {
        const moved = await this.dataSource.transaction(async (manager) => {
          const member = await this.ledger.lockMember(manager, customerId);
          if (!member) return false;
          const { config } = await this.ledger.programme(manager);
          const window = await this.window(manager, config, customerId, asOf);
          const before = member.tier;
          await this.applyTier(manager, member, tierAtReview(config, member.tier, member.tierPeriodEndsAt, qualifyingTier(config, window), asOf));
          return before !== member.tier;
        });
        reviewed++;
        if (moved) changed++;
      }
      if (customers.length < batch) return { reviewed, changed };
    }
  }

  async erase(manager: EntityManager, customerId: string): Promise<void> {
    await this.ledger.erase(manager, customerId);
  }

  private async window(manager: EntityManager, config: Programme, customerId: string, at: Date) {
    return this.ledger.qualificationWindow(manager, customerId, addMonths(at, -config.qualificationMonths), at);
  }

  private async applyTier(manager: EntityManager, member: LockedMember, decision: TierDecision): Promise<void> {
    if (!decision.change) return;
    const change = this.changeTier(member, decision);
    await this.ledger.updateMembers(manager, [member]);
    if (!change) return;
    await this.ledger.insertTierHistory(manager, [change.history]);
    await this.outbox.addMany(manager, [change.event]);
  }

  /** Applies a tier decision to the member in memory; answers the history row and event to write, if the tier moved. */
  private changeTier(member: LockedMember, decision: TierDecision): { history: TierChangeRow; event: PendingEvent } | undefined {
    if (!decision.change) return undefined;
    const from = member.tier;
    member.tier = decision.to;
    member.tierPeriodEndsAt = decision.periodEndsAt;
    if (from === decision.to) return undefined; // a renewal: only the period moves
    return {
      history: { customerId: member.customerId, from, to: decision.to, reason: decision.reason },
      // Dropping below the first tier: the event carries "member" as the tier with no status.
      event: {
        definition: TierChangedV1,
        subject: member.customerId,
        data: { customerId: member.customerId, from, to: decision.to ?? 'member', reason: decision.reason, occurredAt: new Date().toISOString() },
      },
    };
  }

  /** One movement: the two entries, the lot consumption and the member's new balance. */
  private async post(
    manager: EntityManager,
    member: LockedMember,
    kind: MovementKind,
    delta: number,
    options: { sourceId?: string; reason?: string; actor?: string; shortfall?: number; allocations?: Allocation[]; lot?: NewLot },
  ): Promise<string> {
    const movement = this.movement(member, kind, delta, options);
    await this.ledger.appendMovement(manager, movement, entriesFor(kind, delta), options.lot);
    if (options.allocations) await this.ledger.consumeLots(manager, movement.id, options.allocations);
    return movement.id;
  }

  /** The movement row of a change, moving the member's balance (in memory) with it. */
  private movement(member: LockedMember, kind: MovementKind, delta: number, options: { sourceId?: string; reason?: string; actor?: string; shortfall?: number }): MovementRow {
    member.balance += delta;
    return {
      id: randomUUID(),
      customerId: member.customerId,
      kind,
      points: delta,
      balanceAfter: member.balance,
      shortfall: options.shortfall ?? 0,
      sourceId: options.sourceId ?? null,
      reason: options.reason ?? null,
      actor: options.actor ?? null,
    };
  }
}

/** What a run of purchases writes, gathered in order before the set-based statements. */
class EarnPlan {
  readonly purchases: Array<{ purchaseId: string; customerId: string; totalBase: string; pointsEarned: number; occurredAt: string }> = [];
  readonly postings: Array<{ movement: MovementRow; entries: readonly Entry[]; lot: NewLot }> = [];
  readonly tierChanges: TierChangeRow[] = [];
  readonly events: PendingEvent[] = [];
}

function insufficient(available: number, points: number, held = 0): LedgerException {
  const what = held > 0 ? `${available} points are available (${held} held)` : `The balance is ${available} points`;
  return new LedgerException(LedgerErrorCode.InsufficientPoints, `${what}; ${points} are needed`);
}

function notReserved(redemptionId: string, status: RedemptionStatus): RedemptionException {
  return new RedemptionException(RedemptionErrorCode.NotReserved, `Redemption ${redemptionId} is ${status}, not reserved`, { redemptionStatus: status });
}
