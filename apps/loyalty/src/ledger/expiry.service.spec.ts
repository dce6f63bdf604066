import type { OutboxWriter } from '@rapport/platform-messaging';
import type { DataSource } from 'typeorm';
import type { RedemptionsService } from '../redemptions/redemptions.service';
import type { AccountsRepository } from './accounts.repository';
import { ExpiryService } from './expiry.service';
import type { LedgerService } from './ledger.service';
import type { MovementsRepository } from './movements.repository';
import type { PostingService } from './posting.service';

describe(ExpiryService.name, () => {
  const releasedAsOf: Date[] = [];
  const reviewedAsOf: Date[] = [];
  const expiredAsOf: Date[] = [];
  const sut = new ExpiryService(
    {} as DataSource,
    {} as AccountsRepository,
    {
      customersWithExpiredLots: async (asOf: Date) => {
        expiredAsOf.push(asOf);
        return [];
      },
    } as unknown as MovementsRepository,
    {} as PostingService,
    {
      reviewTiers: async (asOf: Date) => {
        reviewedAsOf.push(asOf);
        return { reviewed: 2, changed: 1 };
      },
    } as unknown as LedgerService,
    {
      releaseExpiredHolds: async (asOf: Date) => {
        releasedAsOf.push(asOf);
        return { holds: 3, points: 300 };
      },
    } as unknown as RedemptionsService,
    {} as OutboxWriter,
  );

  beforeEach(() => {
    releasedAsOf.length = 0;
    reviewedAsOf.length = 0;
    expiredAsOf.length = 0;
  });

  it('expires points and reviews tiers as of a future rehearsal date but releases holds only as of now', async () => {
    const asOf = new Date(Date.now() + 30 * 86_400_000);
    const before = Date.now();
    const run = await sut.run(asOf);
    expect(expiredAsOf).toEqual([asOf]);
    expect(reviewedAsOf).toEqual([asOf]);
    expect(releasedAsOf).toHaveLength(1);
    expect(releasedAsOf[0]!.getTime()).toBeGreaterThanOrEqual(before);
    expect(releasedAsOf[0]!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(run).toEqual({
      expired: { members: 0, points: 0 },
      holds: { holds: 3, points: 300 },
      tiers: { reviewed: 2, changed: 1 },
    });
  });

  it('releases holds as of a past date when asked for one', async () => {
    const asOf = new Date(Date.now() - 86_400_000);
    await sut.run(asOf);
    expect(releasedAsOf).toEqual([asOf]);
  });
});
