import { randomUUID } from 'node:crypto';
import { describeSubjectRightsConformance } from '@rapport/testing';
import { purchaseRecord, purchaseRecorded } from '../../test/factories/loyalty-events';
import {
  closeLoyaltyTestClients,
  newPoolMember,
  openLoyaltyTestClients,
  type LoyaltyTestClients,
} from '../../test/loyalty-stack';

/** loyalty in the subject-rights conformance suite: a member opened and credited by real events, read back from its section. */
describe('loyalty', () => {
  let clients: LoyaltyTestClients;

  beforeAll(async () => {
    clients = await openLoyaltyTestClients();
  });

  afterAll(() => closeLoyaltyTestClients(clients));

  describeSubjectRightsConformance('loyalty', {
    seed: async () => {
      const customerId = await newPoolMember(clients.db, 'Subject rights');
      const purchaseId = randomUUID();
      await clients.producer.send([purchaseRecord(purchaseRecorded(customerId, '120.00', { purchaseId }))]);
      return {
        customerId,
        expected: {
          loyaltyAccount: { customerId, balance: 120, erasedAt: null },
          pointsLedger: [
            { kind: 'earn', points: 120, balanceAfter: 120, sourceId: expect.stringContaining(purchaseId) },
          ],
          pointLots: [{ points: 120, remaining: 120, expiresAt: expect.any(String) }],
          purchasePoints: [{ purchaseId, totalBase: '120.0000', pointsEarned: 120, refunds: [] }],
          redemptions: [],
          coupons: [],
          referrals: [],
        },
      };
    },
  });
});
