import { addCalendarMonths } from '@rapport/platform-business-calendar';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  PointsEarnedV1,
  PointsReversedV1,
  TierChangedV1,
  type EventData,
  type MemberView,
  type PurchaseRecordedV1,
  type PurchaseRefundedV1,
  type AdjustmentView,
  type ReconciliationView,
  type StatementQuery,
  type StatementView,
} from '@rapport/contracts';
import { OutboxWriter, TransientError, type PendingEvent } from '@rapport/platform-messaging';
import { DataSource, type EntityManager } from 'typeorm';
import {
  expiryOf,
  pointsForPurchase,
  qualifyingTier,
  tierAfterPurchase,
  tierAtReview,
  type TierDecision,
} from '../programme/programme';
import { ProgrammeRepository } from '../programme/programme.repository';
import { availablePoints } from '../redemptions/redemption-hold';
import { RedemptionsService } from '../redemptions/redemptions.service';
import { ReferralsService } from '../referrals/referrals.service';
import { AccountsRepository, type LockedAccount, type NewAccount, type TierChangeRecord } from './accounts.repository';
import { consumeOldestFirst, entriesFor, reversalPoints } from './ledger-model';
import { insufficientPoints, LedgerErrorCode, LedgerException } from './ledger.exception';
import { parseDecimal } from './money';
import { MovementsRepository, type Posting } from './movements.repository';
import { PostingService } from './posting.service';
import { PurchasesRepository, type PurchaseRecord } from './purchases.repository';

/**
 * Member accounts and their points: earning on purchases, reversal on refunds, manual adjustments and
 * tiers. Every balance change goes through PostingService (member lock first, then one movement with
 * two entries and its lots) with its event in the outbox, all in one transaction.
 */
@Injectable()
export class LedgerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountsRepository,
    private readonly movements: MovementsRepository,
    private readonly purchases: PurchasesRepository,
    private readonly programmes: ProgrammeRepository,
    private readonly posting: PostingService,
    private readonly referrals: ReferralsService,
    private readonly redemptions: RedemptionsService,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Opens (or completes) the customer's account; false for a customer merged away, whose tombstone stays as it is. */
  async openAccount(manager: EntityManager, customer: NewAccount): Promise<boolean> {
    await this.accounts.open(manager, customer);
    return !(await this.isMergedAway(manager, customer.customerId));
  }

  async isMergedAway(manager: EntityManager, customerId: string): Promise<boolean> {
    return (await this.accounts.survivorOf(manager, customerId)) !== customerId;
  }

  /**
   * Earns for a run of purchases, set-based: a handful of statements for the whole run instead of a
   * handful per purchase. The rules run in order in memory exactly as if the purchases came one by one
   * (each purchase's multiplier is the tier its predecessors left; each qualification window counts
   * the recorded purchases plus the earlier ones of the run). Once per purchase id, whatever the event id.
   */
  async earn(manager: EntityManager, events: ReadonlyArray<EventData<typeof PurchaseRecordedV1>>): Promise<void> {
    // A purchase of a merged-away customer (published before the merge, or arriving late) earns for the survivor.
    const survivors = await this.accounts.survivors(
      manager,
      events.map((p) => p.customerId),
    );
    const purchases = events.map((p) => ({ ...p, customerId: survivors.get(p.customerId) ?? p.customerId }));
    const members = await this.accounts.openAndLock(manager, [
      ...new Map(
        purchases.map((p) => [p.customerId, { customerId: p.customerId, kind: 'person', createdAt: p.occurredAt }]),
      ).values(),
    ]);
    // A merge committed between the lookup and the lock: retry, the lookup then sees it.
    const mergedMeanwhile = [...members.values()].find((m) => m.mergedInto);
    if (mergedMeanwhile)
      throw new TransientError(
        `customer ${mergedMeanwhile.customerId} was merged into ${mergedMeanwhile.mergedInto} meanwhile`,
      );
    const recorded = await this.purchases.recorded(
      manager,
      purchases.map((p) => p.purchaseId),
    );
    const fresh = purchases.filter(
      (p) => !members.get(p.customerId)!.erased && !recorded.has(p.purchaseId) && recorded.add(p.purchaseId),
    );
    if (fresh.length === 0) return;
    const { config } = await this.programmes.current(manager);
    const windows = fresh.map((p) => ({
      customerId: p.customerId,
      until: new Date(p.occurredAt),
      since: addCalendarMonths(new Date(p.occurredAt), -config.qualificationMonths),
    }));
    const recordedWindows = await this.purchases.qualificationWindows(manager, windows);

    const plan = new EarnPlan();
    const earnedInRun: Array<{ customerId: string; at: Date; totalBase: bigint; points: number }> = [];
    fresh.forEach((purchase, i) => {
      const member = members.get(purchase.customerId)!;
      const { since, until } = windows[i]!;
      const points = pointsForPurchase(config, purchase, member.tier);
      plan.purchases.push({
        purchaseId: purchase.purchaseId,
        customerId: member.customerId,
        totalBase: purchase.totalBase,
        pointsEarned: points,
        occurredAt: purchase.occurredAt,
      });
      if (points > 0) {
        const sourceId = `purchase:${purchase.purchaseId}`;
        const expiresAt = expiryOf(config, until);
        const movement = this.posting.movement(member, 'earn', points, { sourceId, reason: 'purchase' });
        plan.postings.push({
          movement,
          entries: entriesFor('earn', points),
          lot: { id: randomUUID(), sourceId, earnedAt: until, expiresAt },
        });
        plan.events.push({
          definition: PointsEarnedV1,
          subject: member.customerId,
          data: {
            customerId: member.customerId,
            movementId: movement.id,
            points,
            reason: 'purchase',
            sourceId: purchase.purchaseId,
            expiresAt: expiresAt.toISOString(),
            balance: member.balance,
            occurredAt: new Date().toISOString(),
          },
        });
      }
      // The window holds the recorded purchases, this run's earlier ones and this one.
      earnedInRun.push({
        customerId: member.customerId,
        at: until,
        totalBase: parseDecimal(purchase.totalBase),
        points,
      });
      const window = { ...recordedWindows[i]! };
      for (const earned of earnedInRun) {
        if (earned.customerId === member.customerId && earned.at > since && earned.at <= until) {
          window.spend += earned.totalBase;
          window.points += earned.points;
        }
      }
      const change = this.changeTier(
        member,
        tierAfterPurchase(config, member.tier, qualifyingTier(config, window), until),
      );
      if (change) {
        plan.tierChanges.push(change.history);
        plan.events.push(change.event);
      }
    });
    await this.purchases.insert(manager, plan.purchases);
    await this.movements.appendMany(manager, plan.postings);
    await this.accounts.update(manager, [...new Set(fresh.map((p) => members.get(p.customerId)!))]);
    await this.accounts.insertTierHistory(manager, plan.tierChanges);
    await this.outbox.addMany(manager, plan.events);
    // Rare, so one at a time, after the run's own postings (which the member rows now hold).
    for (const purchase of fresh) {
      const { referralPending, ...member } = members.get(purchase.customerId)!;
      if (referralPending) await this.referrals.complete(manager, member, config, purchase);
    }
  }

  /**
   * Takes back points in proportion to the refunded amount, from the purchase's own lot first and
   * then oldest first; what the balance cannot cover is recorded as a shortfall, never a negative lot.
   */
  async reverse(manager: EntityManager, refund: EventData<typeof PurchaseRefundedV1>): Promise<void> {
    // The account that earned on the purchase pays it back, followed through merges: after a merge the
    // survivor holds the purchase (and its points), whichever customer id the refund event names.
    const owner = await this.accounts.survivorOf(
      manager,
      (await this.purchases.ownerOf(manager, refund.purchaseId)) ?? refund.customerId,
    );
    const member = await this.accounts.lock(manager, owner);
    if (member?.mergedInto)
      throw new TransientError(`customer ${owner} was merged into ${member.mergedInto} meanwhile`);
    // The same refund under another event id (a re-publication) is a no-op: refund ids are unique sources.
    if (await this.purchases.refundSeen(manager, refund.refundId)) return;
    const purchase = await this.purchases.lock(manager, refund.purchaseId);
    if (purchase && member && purchase.customerId !== member.customerId)
      throw new TransientError(`purchase ${refund.purchaseId} moved to another member meanwhile`);
    const due =
      member && purchase
        ? reversalPoints(
            purchase.pointsEarned,
            purchase.pointsReversed,
            purchase.refundedBase + parseDecimal(refund.amountBase),
            purchase.totalBase,
          )
        : 0;
    let taken = 0;
    let movementId: string | undefined;
    if (member && due > 0) {
      const plan = consumeOldestFirst(
        await this.movements.openLots(manager, member.customerId),
        due,
        `purchase:${refund.purchaseId}`,
      );
      taken = plan.taken;
      movementId = await this.posting.post(manager, member, 'reverse', -taken, {
        sourceId: `refund:${refund.refundId}`,
        reason: 'refund',
        shortfall: due - taken,
        allocations: plan.allocations,
      });
    }
    // An unknown purchase (refunded before it reached loyalty, or earned nothing) is kept on record with 0 points.
    await this.purchases.insertRefund(manager, {
      refundId: refund.refundId,
      purchaseId: refund.purchaseId,
      customerId: owner,
      amountBase: refund.amountBase,
      points: taken,
      shortfall: due - taken,
      occurredAt: refund.occurredAt,
    });
    if (purchase) await this.purchases.addRefund(manager, refund.purchaseId, refund.amountBase, due);
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

  /** A manual credit (a new lot) or debit (oldest first, never below zero), with its reason and who made it. */
  async adjust(customerId: string, points: number, reason: string, actor: string): Promise<AdjustmentView> {
    return this.dataSource.transaction(async (manager) => {
      const member = await this.posting.lockOpenAccount(manager, customerId);
      const occurredAt = new Date();
      if (points > 0) {
        const { config } = await this.programmes.current(manager);
        const expiresAt = expiryOf(config, occurredAt);
        const lot = { id: randomUUID(), sourceId: null, earnedAt: occurredAt, expiresAt };
        const movementId = await this.posting.post(manager, member, 'adjust', points, { reason, actor, lot });
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
      const held = await this.redemptions.heldPoints(manager, customerId, occurredAt);
      const available = availablePoints(member.balance, held);
      if (available < debit) throw insufficientPoints(available, debit, held);
      const plan = consumeOldestFirst(await this.movements.openLots(manager, customerId), debit);
      const movementId = await this.posting.post(manager, member, 'adjust', points, {
        reason,
        actor,
        allocations: plan.allocations,
      });
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

  /** Tier review at the end of each member's qualification period: renew, or move down. */
  async reviewTiers(asOf: Date, batch = 500): Promise<{ reviewed: number; changed: number }> {
    let reviewed = 0;
    let changed = 0;
    for (;;) {
      const customers = await this.accounts.dueForTierReview(asOf, batch);
      for (const customerId of customers) {
        const moved = await this.dataSource.transaction(async (manager) => {
          const member = await this.accounts.lock(manager, customerId);
          if (!member) return false;
          const { config } = await this.programmes.current(manager);
          const window = await this.purchases.qualificationWindow(
            manager,
            customerId,
            addCalendarMonths(asOf, -config.qualificationMonths),
            asOf,
          );
          const before = member.tier;
          await this.applyTier(
            manager,
            member,
            tierAtReview(config, member.tier, member.tierPeriodEndsAt, qualifyingTier(config, window), asOf),
          );
          return before !== member.tier;
        });
        reviewed++;
        if (moved) changed++;
      }
      if (customers.length < batch) return { reviewed, changed };
    }
  }

  /**
   * The amounts stay so the books balance; what may name the person goes, also from the accounts of
   * customers merged into this one. Answers those former ids, so the caller erases their traces too.
   */
  async erase(
    manager: EntityManager,
    customerId: string,
  ): Promise<{ formerIds: string[]; accounts: number; movements: number }> {
    const formerIds = await this.accounts.mergedInto(manager, customerId);
    let accounts = 0;
    let movements = 0;
    for (const id of [customerId, ...formerIds]) {
      accounts += await this.accounts.markErased(manager, id);
      movements += await this.movements.anonymise(manager, id);
    }
    return { formerIds, accounts, movements };
  }

  /** A merged-away customer's id reads as its survivor's account, as customer-profile answers it with the survivor. */
  async member(requestedId: string): Promise<MemberView> {
    const customerId = await this.accounts.survivorOf(this.dataSource.manager, requestedId);
    const { config } = await this.programmes.current();
    const soon = new Date(Date.now() + config.expiringSoonDays * 86_400_000);
    const member = await this.accounts.find(customerId, soon);
    if (!member) throw unknownMember(customerId);
    const history = await this.accounts.tierHistory(customerId);
    return {
      customerId: member.customerId,
      kind: member.kind,
      balance: member.balance,
      available: availablePoints(member.balance, member.held),
      held: member.held,
      tier: member.tier,
      tierPeriodEndsAt: member.tierPeriodEndsAt?.toISOString() ?? null,
      expiringSoon: {
        points: member.expiringSoon,
        withinDays: config.expiringSoonDays,
        nextExpiry: member.nextExpiry?.toISOString() ?? null,
      },
      tierHistory: history.map((h) => ({
        from: h.from,
        to: h.to,
        reason: h.reason,
        changedAt: h.changedAt.toISOString(),
      })),
      erased: member.erased,
      createdAt: member.createdAt.toISOString(),
    };
  }

  async statement(requestedId: string, query: StatementQuery): Promise<StatementView> {
    const customerId = await this.accounts.survivorOf(this.dataSource.manager, requestedId);
    const member = await this.accounts.find(customerId, new Date());
    if (!member) throw unknownMember(customerId);
    const limit = query.limit ?? 50;
    const rows = await this.movements.statement(customerId, limit + 1, query.before);
    const page = rows.slice(0, limit);
    return {
      customerId,
      balance: member.balance,
      items: page.map((r) => ({
        movementId: r.id,
        kind: r.kind,
        points: r.points,
        balanceAfter: r.balanceAfter,
        shortfall: r.shortfall,
        reason: r.reason,
        sourceId: r.sourceId,
        createdAt: r.createdAt.toISOString(),
      })),
      nextCursor: rows.length > limit ? page[page.length - 1]!.seq : null,
    };
  }

  /** The books agree when every movement balances and entries, movements, balances and lots add up to the same. */
  async reconciliation(): Promise<ReconciliationView> {
    const r = await this.movements.reconciliation();
    const ok =
      r.entriesSum === 0 &&
      r.unbalancedMovements === 0 &&
      r.liabilityTotal === r.balanceTotal &&
      r.balanceTotal === r.movementsTotal &&
      r.movementsTotal === r.lotsTotal &&
      r.negativeLots === 0 &&
      r.mismatchedMembers === 0;
    return { ok, ...r };
  }

  private async applyTier(manager: EntityManager, member: LockedAccount, decision: TierDecision): Promise<void> {
    if (!decision.change) return;
    const change = this.changeTier(member, decision);
    await this.accounts.update(manager, [member]);
    if (!change) return;
    await this.accounts.insertTierHistory(manager, [change.history]);
    await this.outbox.addMany(manager, [change.event]);
  }

  /** Applies a tier decision to the member in memory; answers the history row and event to write, if the tier moved. */
  private changeTier(
    member: LockedAccount,
    decision: TierDecision,
  ): { history: TierChangeRecord; event: PendingEvent } | undefined {
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
        data: {
          customerId: member.customerId,
          from,
          to: decision.to ?? 'member',
          reason: decision.reason,
          occurredAt: new Date().toISOString(),
        },
      },
    };
  }
}

/** What a run of purchases writes, gathered in order before the set-based statements. */
class EarnPlan {
  readonly purchases: PurchaseRecord[] = [];
  readonly postings: Posting[] = [];
  readonly tierChanges: TierChangeRecord[] = [];
  readonly events: PendingEvent[] = [];
}

function unknownMember(customerId: string): LedgerException {
  return new LedgerException(LedgerErrorCode.MemberNotFound, `Customer ${customerId} is not known to loyalty`);
}
