import { randomUUID } from 'node:crypto';
import {
  ErasureAcknowledgedV1,
  fromBinaryMode,
  Topics,
  type AcknowledgingService,
  type ErasureAcknowledgement,
} from '@rapport/contracts';
import {
  closeServiceTestClients,
  collectRecords,
  describeSubjectRightsConformance,
  eventually,
  handledBy,
  openServiceTestClients,
  publishCustomerEvents,
  uuidColumnsHolding,
  type ServiceTestClients,
} from '@rapport/testing';
import { customerCreated, customerErased, customerMerged } from '../../test/factories/customer-events';
import { publishPurchaseEvents, purchaseRecorded } from '../../test/factories/purchase-events';

/**
 * The analytics service of the test stack following customer-profile's merges and erasures from the
 * real broker: a merged customer's rows belong to the survivor, an erased customer leaves nothing.
 */
describe('analytics follows customer merges and erasures', () => {
  const handled = (db: ServiceTestClients['db'], event: Parameters<typeof handledBy>[2]) =>
    handledBy(db, 'analytics', event);
  const placesHolding = (db: ServiceTestClients['db'], customerId: string) =>
    uuidColumnsHolding(db, 'analytics', customerId);
  let clients: ServiceTestClients;

  beforeAll(async () => {
    clients = await openServiceTestClients();
  });
  afterAll(async () => {
    await closeServiceTestClients(clients);
  });

  describeSubjectRightsConformance('analytics', {
    seed: async () => {
      const customerId = randomUUID();
      await publishCustomerEvents(clients.producer, customerCreated(customerId, 'organisation'));
      await publishPurchaseEvents(clients.producer, purchaseRecorded(customerId, '42.00'));
      return {
        customerId,
        expected: {
          analyticsCustomerFacts: { customerId, kind: 'organisation' },
          analyticsPurchaseFacts: { customerId, purchaseCount: 1, monetary: 42 },
          analyticsScores: { customerId, inputs: { frequency: 1, monetary: '42.00' } },
          // bought today: P(alive) 1 by recency (a single purchase), the lowest risk
          analyticsChurnRisk: { method: 'recency', pAlive: 1, risk: 0.01, atRisk: false },
          analyticsPurchases: [
            {
              channel: 'web',
              totalBase: '42.0000',
              refundedBase: '0.0000',
              lines: [{ sku: 'SKU-1', lineTotalBase: '42.0000' }],
            },
          ],
        },
      };
    },
    // one row of each of its own; a customer nobody merged into has no merged-away ids
    erasure: { removed: { customerFacts: 1, purchaseFacts: 1, scores: 1, churnRisks: 1, mergedCustomerIds: 0 } },
  });

  const rowOf = async (customerId: string) =>
    (
      await clients.db.query('SELECT customer_id, kind FROM analytics.customer_facts WHERE customer_id = $1', [
        customerId,
      ])
    ).rows[0] as { customer_id: string; kind: string } | undefined;
  const known = (customerId: string) =>
    eventually(async () => (await rowOf(customerId)) !== undefined, 20_000, `analytics to know ${customerId}`);

  it('moves the merged customer’s row to a survivor it did not know', async () => {
    const [mergedId, survivorId] = [randomUUID(), randomUUID()];
    await publishCustomerEvents(clients.producer, customerCreated(mergedId, 'organisation'));
    await known(mergedId);

    const merge = customerMerged(mergedId, survivorId);
    await publishCustomerEvents(clients.producer, merge);
    await handled(clients.db, merge);

    expect(await rowOf(survivorId)).toEqual({ customer_id: survivorId, kind: 'organisation' });
    expect(await rowOf(mergedId)).toBeUndefined();
  });

  it('keeps the survivor’s own row and drops the merged one', async () => {
    const [mergedId, survivorId] = [randomUUID(), randomUUID()];
    await publishCustomerEvents(
      clients.producer,
      customerCreated(mergedId, 'organisation'),
      customerCreated(survivorId, 'person'),
    );
    await known(mergedId);
    await known(survivorId);

    const merge = customerMerged(mergedId, survivorId);
    await publishCustomerEvents(clients.producer, merge);
    await handled(clients.db, merge);

    expect(await rowOf(survivorId)).toEqual({ customer_id: survivorId, kind: 'person' });
    expect(await rowOf(mergedId)).toBeUndefined();
  });

  it('does not bring back a merged customer whose creation arrives after the merge', async () => {
    const [mergedId, survivorId] = [randomUUID(), randomUUID()];
    const merge = customerMerged(mergedId, survivorId);
    await publishCustomerEvents(clients.producer, merge);
    await handled(clients.db, merge);

    const late = customerCreated(mergedId);
    await publishCustomerEvents(clients.producer, late);
    await handled(clients.db, late);

    expect(await rowOf(mergedId)).toBeUndefined();
  });

  it('erases everything held on the customer, its merged-away ids included, and nothing of others', async () => {
    const [mergedId, survivorId, bystanderId] = [randomUUID(), randomUUID(), randomUUID()];
    await publishCustomerEvents(
      clients.producer,
      customerCreated(mergedId),
      customerCreated(survivorId),
      customerCreated(bystanderId),
    );
    for (const id of [mergedId, survivorId, bystanderId]) await known(id);
    const merge = customerMerged(mergedId, survivorId);
    await publishCustomerEvents(clients.producer, merge);
    await handled(clients.db, merge);
    expect(await placesHolding(clients.db, survivorId)).not.toEqual([]);
    expect(await placesHolding(clients.db, mergedId)).not.toEqual([]);

    const erase = customerErased(survivorId);
    await publishCustomerEvents(clients.producer, erase);
    await handled(clients.db, erase);

    expect(await placesHolding(clients.db, survivorId)).toEqual([]);
    expect(await placesHolding(clients.db, mergedId)).toEqual([]);
    expect(await rowOf(bystanderId)).toEqual({ customer_id: bystanderId, kind: 'person' });
  });

  // What the subject-rights library adds to every participant, seen through this one.
  describe('acknowledgements and chains of merges', () => {
    // A service's acknowledgement event exists once it is listed in ACKNOWLEDGING (see the service template).
    const acknowledgement = ErasureAcknowledgedV1['analytics' as AcknowledgingService];
    const acknowledgementsOf = (customerId: string) =>
      collectRecords(
        clients.bus,
        Topics[acknowledgement.topic].name,
        (r) => r.key === customerId && r.headers['ce_type'] === acknowledgement.type,
      );
    const dataOf = (record: Parameters<typeof fromBinaryMode>) =>
      fromBinaryMode(...record).data as ErasureAcknowledgement;

    it('follows a chain of merges to the last survivor, and erasing it reaches every id of the chain', async () => {
      const [first, second, last] = [randomUUID(), randomUUID(), randomUUID()];
      await publishCustomerEvents(clients.producer, customerCreated(first, 'organisation'));
      await known(first);
      for (const merge of [customerMerged(first, second), customerMerged(second, last)]) {
        await publishCustomerEvents(clients.producer, merge);
        await handled(clients.db, merge);
      }
      expect(await rowOf(last)).toEqual({ customer_id: last, kind: 'organisation' });
      expect(await placesHolding(clients.db, first)).toEqual(['merged_customers.merged_customer_id']);

      const acks = await acknowledgementsOf(last);
      try {
        await publishCustomerEvents(clients.producer, customerErased(last));
        await eventually(async () => acks.records.length === 1, 30_000, 'the acknowledgement of the erasure');
      } finally {
        await acks.stop();
      }
      expect(dataOf([acks.records[0]!.headers, acks.records[0]!.value])).toMatchObject({
        customerId: last,
        removed: { customerFacts: 1, purchaseFacts: 0, scores: 0, churnRisks: 0, mergedCustomerIds: 2 },
        kept: [],
      });
      expect(dataOf([acks.records[0]!.headers, acks.records[0]!.value]).erasureId).toBeUndefined();
      for (const id of [first, second, last]) expect(await placesHolding(clients.db, id)).toEqual([]);
    });

    it('acknowledges a redelivered customer.erased once, and a new erasure of the same customer again', async () => {
      const customerId = randomUUID();
      await publishCustomerEvents(clients.producer, customerCreated(customerId));
      await known(customerId);
      const erase = customerErased(customerId);
      const again = customerErased(customerId); // a new event: same key, so it comes after the redelivery
      const acks = await acknowledgementsOf(customerId);
      try {
        await publishCustomerEvents(clients.producer, erase);
        await publishCustomerEvents(clients.producer, erase);
        await publishCustomerEvents(clients.producer, again);
        await handled(clients.db, again);
        await eventually(async () => acks.records.length >= 2, 30_000, 'the acknowledgements');
        // The relay may still be publishing: give a wrong third one the time to show up.
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      } finally {
        await acks.stop();
      }
      expect(acks.records.map((r) => dataOf([r.headers, r.value]).removed)).toEqual([
        { customerFacts: 1, purchaseFacts: 0, scores: 0, churnRisks: 0, mergedCustomerIds: 0 },
        { customerFacts: 0, purchaseFacts: 0, scores: 0, churnRisks: 0, mergedCustomerIds: 0 },
      ]);
    });
  });
});
