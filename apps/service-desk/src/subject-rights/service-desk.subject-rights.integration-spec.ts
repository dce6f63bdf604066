import { randomUUID } from 'node:crypto';
import {
  ErasureAcknowledgedV1,
  fromBinaryMode,
  Topics,
  type AcknowledgingService,
  type ErasureAcknowledgement,
} from '@rapport/contracts';
import { IDENTITY_HEADER, signIdentity } from '@rapport/platform-runtime';
import {
  closeServiceTestClients,
  collectRecords,
  describeSubjectRightsConformance,
  eventually,
  handledBy,
  openServiceTestClients,
  publishCustomerEvents,
  stackInfo,
  uuidColumnsHolding,
  type ServiceTestClients,
} from '@rapport/testing';
import { customerCreated, customerErased, customerMerged } from '../../test/factories/customer-events';
import { customerScored, publishTierEvents } from '../../test/factories/tier-events';
import { ticketRequest } from '../../test/factories/tickets';

/**
 * The service-desk service of the test stack following customer-profile's merges and erasures from the
 * real broker: a merged customer's rows (reference and tickets) belong to the survivor; an erased
 * customer leaves no id and no text, only anonymous tickets that the acknowledgement names as kept.
 */
describe('service-desk follows customer merges and erasures', () => {
  const handled = (db: ServiceTestClients['db'], event: Parameters<typeof handledBy>[2]) =>
    handledBy(db, 'service_desk', event);
  const placesHolding = (db: ServiceTestClients['db'], customerId: string) =>
    uuidColumnsHolding(db, 'service_desk', customerId);
  let clients: ServiceTestClients;

  beforeAll(async () => {
    clients = await openServiceTestClients();
  });
  afterAll(async () => {
    await closeServiceTestClients(clients);
  });

  /** The stack's service-desk, called as the gateway calls it (a signed agent of team north). */
  const callService = async (method: 'POST', path: string, body: unknown) => {
    const identity = await signIdentity(
      { sub: 'agent1', roles: ['agent'], scopes: ['tickets:read', 'tickets:write', 'pii:read'], team: 'north' },
      stackInfo().internalAuthSecret,
    );
    const response = await fetch(new URL(path, stackInfo().serviceUrls['service-desk']), {
      method,
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity, connection: 'close' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string };
  };
  /** A customer service-desk knows, with one ticket that has a reply (its texts are the customer's data). */
  const customerWithTicket = async (kind: 'person' | 'organisation' = 'organisation') => {
    const customerId = randomUUID();
    await publishCustomerEvents(clients.producer, customerCreated(customerId, kind));
    await known(customerId);
    const ticket = await callService('POST', '/internal/v1/tickets', ticketRequest(customerId));
    await callService('POST', `/internal/v1/tickets/${ticket.id}/replies`, { text: 'We are sorry, 王小明.' });
    return { customerId, ticketId: ticket.id };
  };

  describeSubjectRightsConformance('service-desk', {
    seed: async () => {
      const { customerId, ticketId } = await customerWithTicket();
      return {
        customerId,
        expected: {
          serviceDeskCustomerRefs: { customerId, kind: 'organisation' },
          serviceDeskTickets: [
            expect.objectContaining({
              id: ticketId,
              customerId,
              subject: ticketRequest(customerId).subject,
              status: 'acknowledged',
              history: [
                expect.objectContaining({ kind: 'created' }),
                expect.objectContaining({ kind: 'reply', text: 'We are sorry, 王小明.' }),
                expect.objectContaining({ kind: 'transition', toStatus: 'acknowledged' }),
              ],
            }),
          ],
        },
      };
    },
    // its reference and its ticket with the one text of its history; nobody was merged into it
    erasure: { removed: { customerRefs: 1, tickets: 1, ticketTexts: 1, mergedCustomerIds: 0 } },
  });

  const rowOf = async (customerId: string) =>
    (
      await clients.db.query('SELECT customer_id, kind FROM service_desk.customer_refs WHERE customer_id = $1', [
        customerId,
      ])
    ).rows[0] as { customer_id: string; kind: string } | undefined;
  const known = (customerId: string) =>
    eventually(async () => (await rowOf(customerId)) !== undefined, 20_000, `service-desk to know ${customerId}`);

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

  it('recomputes the SLA of the moved open tickets on the survivor’s tier', async () => {
    const { customerId: mergedId, ticketId } = await customerWithTicket();
    const survivorId = randomUUID();
    await publishCustomerEvents(clients.producer, customerCreated(survivorId, 'person'));
    await known(survivorId);
    // analytics scored the survivor tier A: a VIP for service-desk
    const scored = customerScored(survivorId, 'A');
    await publishTierEvents(clients.producer, scored);
    await handled(clients.db, scored);
    const tierOf = async () =>
      (await clients.db.query('SELECT tier FROM service_desk.ticket_sla WHERE ticket_id = $1', [ticketId])).rows[0]
        ?.tier as string | undefined;
    expect(await tierOf()).toBe('none');

    const merge = customerMerged(mergedId, survivorId);
    await publishCustomerEvents(clients.producer, merge);
    await handled(clients.db, merge);
    expect(await tierOf()).toBe('VIP');
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

  const ticketRow = async (ticketId: string) =>
    (
      await clients.db.query(
        'SELECT customer_id, subject, description, status, erased_at FROM service_desk.tickets WHERE id = $1',
        [ticketId],
      )
    ).rows[0] as { customer_id: string | null; subject: string | null; description: string | null; status: string };

  it('moves a merged customer’s tickets to the survivor', async () => {
    const { customerId: mergedId, ticketId } = await customerWithTicket();
    const survivorId = randomUUID();
    const merge = customerMerged(mergedId, survivorId);
    await publishCustomerEvents(clients.producer, merge);
    await handled(clients.db, merge);
    expect((await ticketRow(ticketId)).customer_id).toBe(survivorId);
  });

  it('keeps an erased customer’s tickets as anonymous counts: no id, no text, and says so in kept', async () => {
    const { customerId, ticketId } = await customerWithTicket();
    const definition = ErasureAcknowledgedV1['service-desk'];
    const acks = await collectRecords(
      clients.bus,
      Topics[definition.topic].name,
      (r) => r.key === customerId && r.headers['ce_type'] === definition.type,
    );
    try {
      await publishCustomerEvents(clients.producer, customerErased(customerId));
      await eventually(async () => acks.records.length === 1, 30_000, 'the acknowledgement of the erasure');
    } finally {
      await acks.stop();
    }
    expect(await ticketRow(ticketId)).toMatchObject({
      customer_id: null,
      subject: null,
      description: null,
      status: 'acknowledged',
    });
    const texts = await clients.db.query(
      `SELECT 1 FROM service_desk.ticket_history WHERE ticket_id = $1 AND detail ? 'text'`,
      [ticketId],
    );
    expect(texts.rowCount).toBe(0);
    const ack = fromBinaryMode(acks.records[0]!.headers, acks.records[0]!.value).data as ErasureAcknowledgement;
    expect(ack.kept).toEqual([{ what: expect.stringContaining('1 anonymous ticket'), why: expect.any(String) }]);
  });

  it('refuses to rewrite or delete the history (append-only)', async () => {
    const { ticketId } = await customerWithTicket();
    await expect(
      clients.db.query(`UPDATE service_desk.ticket_history SET actor = 'someone' WHERE ticket_id = $1`, [ticketId]),
    ).rejects.toThrow(/append-only/);
    await expect(
      clients.db.query(`DELETE FROM service_desk.ticket_history WHERE ticket_id = $1`, [ticketId]),
    ).rejects.toThrow(/append-only/);
  });

  // What the subject-rights library adds to every participant, seen through this one.
  describe('acknowledgements and chains of merges', () => {
    // A service's acknowledgement event exists once it is listed in ACKNOWLEDGING (see the service template).
    const acknowledgement = ErasureAcknowledgedV1['service-desk' as AcknowledgingService];
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
        removed: { customerRefs: 1, tickets: 0, ticketTexts: 0, mergedCustomerIds: 2 },
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
        { customerRefs: 1, tickets: 0, ticketTexts: 0, mergedCustomerIds: 0 },
        { customerRefs: 0, tickets: 0, ticketTexts: 0, mergedCustomerIds: 0 },
      ]);
    });
  });
});
