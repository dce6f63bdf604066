import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PointsEarnedV1 } from '@rapport/contracts';
import { OutboxWriter } from '@rapport/platform-messaging';
import type { EntityManager } from 'typeorm';
import { expiryOf, type Programme } from '../programme/programme';
import { AccountsRepository, type LockedAccount } from './accounts.repository';
import { entriesFor, type Allocation, type MovementKind } from './ledger-model';
import { LedgerErrorCode, LedgerException } from './ledger.exception';
import { MovementsRepository, type MovementRecord, type NewLot } from './movements.repository';

export interface MovementOptions {
  sourceId?: string;
  reason?: string;
  actor?: string;
  shortfall?: number;
}

/**
 * The one way any feature changes a balance: take the member row lock first (SELECT … FOR UPDATE),
 * then append one movement with its two entries and move the lots, in the caller's transaction.
 * Concurrent changes therefore queue on the member and never spend the same points twice.
 */
@Injectable()
export class PostingService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly movements: MovementsRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * The member's account, locked for the transaction; 404 when there is none, it was erased, or the
   * customer was merged into another (whose account now holds its points: write to the survivor).
   */
  async lockOpenAccount(manager: EntityManager, customerId: string): Promise<LockedAccount> {
    const member = await this.accounts.lock(manager, customerId);
    if (member?.mergedInto) {
      throw new LedgerException(
        LedgerErrorCode.MemberNotFound,
        `Customer ${customerId} was merged into ${member.mergedInto}, whose account holds its points`,
      );
    }
    if (!member || member.erased)
      throw new LedgerException(LedgerErrorCode.MemberNotFound, `Customer ${customerId} has no loyalty account`);
    return member;
  }

  /** One movement: the two entries, the lot consumption and the member's new balance. */
  async post(
    manager: EntityManager,
    member: LockedAccount,
    kind: MovementKind,
    delta: number,
    options: MovementOptions & { allocations?: Allocation[]; lot?: NewLot },
  ): Promise<string> {
    const movement = this.movement(member, kind, delta, options);
    await this.movements.append(manager, { movement, entries: entriesFor(kind, delta), lot: options.lot });
    if (options.allocations) await this.movements.consumeLots(manager, movement.id, options.allocations);
    return movement.id;
  }

  /** A credit: the movement, a new lot with the programme's validity, and points.earned. */
  async credit(
    manager: EntityManager,
    member: LockedAccount,
    config: Programme,
    points: number,
    options: { sourceId: string; reason: string; earnedAt: Date; eventSourceId?: string },
  ): Promise<void> {
    const expiresAt = expiryOf(config, options.earnedAt);
    const lot = { id: randomUUID(), sourceId: options.sourceId, earnedAt: options.earnedAt, expiresAt };
    const movementId = await this.post(manager, member, 'earn', points, {
      sourceId: options.sourceId,
      reason: options.reason,
      lot,
    });
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

  /** The movement row of a change, moving the member's balance (in memory) with it; for set-based callers that append many at once. */
  movement(member: LockedAccount, kind: MovementKind, delta: number, options: MovementOptions): MovementRecord {
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
