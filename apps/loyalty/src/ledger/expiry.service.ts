import { Injectable } from '@nestjs/common';
import { PointsExpiredV1 } from '@rapport/contracts';
import { OutboxWriter } from '@rapport/platform-messaging';
import { DataSource } from 'typeorm';
import { RedemptionsService } from '../redemptions/redemptions.service';
import { AccountsRepository } from './accounts.repository';
import { expiredAllocations } from './ledger-model';
import { LedgerService } from './ledger.service';
import { MovementsRepository } from './movements.repository';
import { PostingService } from './posting.service';

export interface JobsRun {
  expired: { members: number; points: number };
  holds: { holds: number; points: number };
  tiers: { reviewed: number; changed: number };
}

/** The periodic work: points expiry, lapsed holds and tier review; each part is safe to run twice or on two replicas. */
@Injectable()
export class ExpiryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountsRepository,
    private readonly movements: MovementsRepository,
    private readonly posting: PostingService,
    private readonly ledger: LedgerService,
    private readonly redemptions: RedemptionsService,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Everything due by `asOf`, which may be a rehearsal in the future. */
  async run(asOf: Date): Promise<JobsRun> {
    const expired = await this.expire(asOf);
    // Holds are a checkout's real-time promise: a rehearsal in the future must not cut running ones short.
    const holds = await this.redemptions.releaseExpiredHolds(new Date(Math.min(asOf.getTime(), Date.now())));
    const tiers = await this.ledger.reviewTiers(asOf);
    return { expired, holds, tiers };
  }

  /**
   * Expires what is left in lots whose validity ended by `asOf`, one member per transaction under the
   * member lock: a second run (or a second replica) finds nothing left and does nothing.
   */
  async expire(asOf: Date, batch = 500): Promise<{ members: number; points: number }> {
    let members = 0;
    let total = 0;
    for (;;) {
      const customers = await this.movements.customersWithExpiredLots(asOf, batch);
      for (const customerId of customers) {
        const expired = await this.dataSource.transaction(async (manager) => {
          const member = await this.accounts.lock(manager, customerId);
          if (!member) return 0;
          const allocations = expiredAllocations(await this.movements.openLots(manager, customerId), asOf);
          const points = allocations.reduce((sum, a) => sum + a.points, 0);
          if (points === 0) return 0;
          const movementId = await this.posting.post(manager, member, 'expire', -points, {
            reason: `expired as of ${asOf.toISOString()}`,
            allocations,
          });
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
}
