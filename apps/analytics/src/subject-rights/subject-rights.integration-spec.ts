import { randomUUID } from 'node:crypto';
import { eventually } from '@rapport/testing';
import { customerCreated, customerErased, customerMerged } from '../../test/factories/customer-events';
import {
  closeAnalyticsTestClients,
  handled,
  openAnalyticsTestClients,
  placesHolding,
  publishCustomerEvents,
  type AnalyticsTestClients,
} from '../../test/analytics-stack';

/**
 * The analytics service of the test stack following customer-profile's merges and erasures from the
 * real broker: a merged customer's rows belong to the survivor, an erased customer leaves nothing.
 */
describe('analytics follows customer merges and erasures', () => {
  let clients: AnalyticsTestClients;

  beforeAll(async () => {
    clients = await openAnalyticsTestClients();
  });
  afterAll(async () => {
    await closeAnalyticsTestClients(clients);
  });

  const rowOf = async (customerId: string) =>
    (await clients.db.query('SELECT customer_id, kind FROM analytics.customer_facts WHERE customer_id = $1', [customerId])).rows[0] as
      | { customer_id: string; kind: string }
      | undefined;
  const known = (customerId: string) => eventually(async () => (await rowOf(customerId)) !== undefined, 20_000, `analytics to know ${customerId}`);

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
    await publishCustomerEvents(clients.producer, customerCreated(mergedId, 'organisation'), customerCreated(survivorId, 'person'));
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
    await publishCustomerEvents(clients.producer, customerCreated(mergedId), customerCreated(survivorId), customerCreated(bystanderId));
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
});
