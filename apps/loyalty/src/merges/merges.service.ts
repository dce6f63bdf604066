import { addCalendarMonths } from '@rapport/platform-business-calendar';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TierChangedV1 } from '@rapport/contracts';
import { OutboxWriter, TransientError } from '@rapport/platform-messaging';
import type { EntityManager } from 'typeorm';
import { AccountsRepository, type LockedAccount } from '../ledger/accounts.repository';
import { MovementsRepository } from '../ledger/movements.repository';
import { PostingService } from '../ledger/posting.service';
import { PurchasesRepository } from '../ledger/purchases.repository';
import { qualifyingTier } from '../programme/programme';
import { ProgrammeRepository } from '../programme/programme.repository';
import { RedemptionsService } from '../redemptions/redemptions.service';
import { ReferralsService } from '../referrals/referrals.service';
import { tierAfterMerge } from './merge-model';

/** What a merge did, for logs and callers. */
export interface MergeOutcome {
  /** The account the points went to: the survivor, or where the survivor itself was merged since. */
  survivorId: string;
  /** Points moved (0 on a redelivery, or when the merged customer had none). */
  points: number;
  lots: number;
  /** False when the customer was already merged: nothing changed. */
  applied: boolean;
}

/**
 * customer.merged in loyalty: everything the merged-away customer holds goes to the survivor, in the
 * caller's transaction (the inbox transaction of the event), so it happens once. Callable from the
 * ledger consumer today and from the subject-rights library's consumer later (`merge(manager, …)`).
 *
 * - The balance moves as two balanced `merge` movements against the clearing account
 *   `member_transfers`: one on the merged account (−balance, consuming its open lots) and one on the
 *   survivor (+balance, re-creating those lots with their original earn and expiry dates and origin).
 *   Both statements stay true to what happened to each account, and the books keep reconciling.
 * - Purchases and refunds, redemptions (holds, coupons) and tier history are re-keyed to the survivor;
 *   referrals follow ReferralsService.mergeInto; the survivor's tier follows `tierAfterMerge`.
 * - The merged account stays as a tombstone naming its survivor: late events of the merged id land on
 *   the survivor, and a second delivery of the merge finds the tombstone and changes nothing.
 */
@Injectable()
export class MergesService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly movements: MovementsRepository,
    private readonly purchases: PurchasesRepository,
    private readonly posting: PostingService,
    private readonly programmes: ProgrammeRepository,
    private readonly referrals: ReferralsService,
    private readonly redemptions: RedemptionsService,
    private readonly outbox: OutboxWriter,
  ) {}

  async merge(manager: EntityManager, sourceId: string, survivorId: string): Promise<MergeOutcome> {
    // A chain: the survivor may have been merged into a third customer since (A→B after B→C: A goes to C).
    const targetId = await this.accounts.survivorOf(manager, survivorId);
    if (sourceId === targetId) return { survivorId: targetId, points: 0, lots: 0, applied: false };
    const now = new Date();
    // Both rows in id order (a survivor loyalty never saw gets its account; a source it never saw, its tombstone).
    const locked = await this.accounts.openAndLock(manager, [
      { customerId: sourceId, kind: 'person', createdAt: now.toISOString() },
      { customerId: targetId, kind: 'person', createdAt: now.toISOString() },
    ]);
    const { referralPending: _s, ...source } = locked.get(sourceId)!;
    const { referralPending: _t, ...survivor } = locked.get(targetId)!;
    if (source.mergedInto) return { survivorId: source.mergedInto, points: 0, lots: 0, applied: false };
    if (survivor.mergedInto)
      throw new TransientError(`customer ${targetId} was merged into ${survivor.mergedInto} meanwhile`);

    // Referrals first: whether a pending one still applies depends on the survivor's own purchases.
    await this.referrals.mergeInto(manager, sourceId, targetId);

    const lots = await this.movements.openLots(manager, sourceId);
    const points = lots.reduce((sum, lot) => sum + lot.remaining, 0);
    if (points !== source.balance) {
      throw new Error(
        `customer ${sourceId}: balance ${source.balance} but ${points} points in open lots; reconcile before merging`,
      );
    }
    if (points > 0) {
      await this.posting.post(manager, source, 'merge', -points, {
        sourceId: `merge:${sourceId}:out`,
        reason: `merged into customer ${targetId}`,
        allocations: lots.map((lot) => ({ lotId: lot.id, points: lot.remaining })),
      });
      const movementId = await this.posting.post(manager, survivor, 'merge', points, {
        sourceId: `merge:${sourceId}:in`,
        reason: `merged from customer ${sourceId}`,
      });
      await this.movements.insertLots(
        manager,
        targetId,
        movementId,
        lots.map((lot) => ({
          id: randomUUID(),
          sourceId: lot.sourceId,
          points: lot.remaining,
          earnedAt: lot.earnedAt,
          expiresAt: lot.expiresAt,
        })),
      );
    }
    await this.purchases.rekey(manager, sourceId, targetId);
    await this.redemptions.mergeInto(manager, sourceId, targetId);
    await this.accounts.rekeyTierHistory(manager, sourceId, targetId);

    const { config } = await this.programmes.current(manager);
    const window = await this.purchases.qualificationWindow(
      manager,
      targetId,
      addCalendarMonths(now, -config.qualificationMonths),
      now,
    );
    const held = (m: LockedAccount) => ({ tier: m.tier, periodEndsAt: m.tierPeriodEndsAt });
    const decision = tierAfterMerge(
      config,
      held(survivor),
      held(source),
      qualifyingTier(config, window),
      now,
      sourceId,
    );
    if (decision.change) {
      const from = survivor.tier;
      survivor.tier = decision.to;
      survivor.tierPeriodEndsAt = decision.periodEndsAt;
      await this.accounts.update(manager, [survivor]);
      if (from !== decision.to) {
        await this.accounts.insertTierHistory(manager, [
          { customerId: targetId, from, to: decision.to, reason: decision.reason },
        ]);
        await this.outbox.add(manager, TierChangedV1, targetId, {
          customerId: targetId,
          from,
          to: decision.to ?? 'member',
          reason: decision.reason,
          occurredAt: now.toISOString(),
        });
      }
    }
    await this.accounts.markMerged(manager, sourceId, targetId);
    return { survivorId: targetId, points, lots: lots.length, applied: true };
  }
}
