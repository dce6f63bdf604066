import { randomUUID } from 'node:crypto';
import { createEnvelope, CustomerMergedV1, Topics, toBinaryMode } from '@rapport/contracts';
import type { MessageBus, RecordProducer } from '@rapport/platform-messaging';
import { adminClient, bearer, customerRequest, eventually, stackInfo, testBus } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * A merge reaches loyalty, as a client sees it through the gateway: the survivor's balance is the sum
 * of both, the merged customer's lots keep their expiry, the statement shows the move, the books
 * reconcile, a refund of the merged customer's purchase debits the survivor, and the merge delivered
 * again changes nothing.
 */
describe('merge reaches loyalty', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  let bus: MessageBus;
  let producer: RecordProducer;
  let agent1: string;
  let admin: string;

  beforeAll(async () => {
    db = await adminClient();
    bus = testBus();
    producer = bus.producer();
    [agent1, admin] = await Promise.all([bearer('agent1'), bearer('admin')]);
  });
  afterAll(async () => {
    await producer.disconnect();
    await bus.close();
    await db.end();
  });

  const create = async (): Promise<string> =>
    (
      await gateway()
        .post('/api/v1/customers')
        .query({ force: 'true' })
        .set('authorization', agent1)
        .send(customerRequest())
        .expect(201)
    ).body.id as string;
  const buy = async (customerId: string, unitPrice: string, occurredAt: Date) =>
    (
      await gateway()
        .post(`/api/v1/customers/${customerId}/purchases`)
        .set('authorization', agent1)
        .send({
          externalOrderId: `SO-${randomUUID()}`,
          currency: 'CNY',
          channel: 'store',
          occurredAt: occurredAt.toISOString(),
          lines: [{ sku: 'TEA-001', quantity: 1, unitPrice }],
        })
        .expect(201)
    ).body as { id: string };
  const member = async (customerId: string) =>
    (await gateway().get(`/api/v1/loyalty/members/${customerId}`).set('authorization', agent1).expect(200)).body;
  const waitForBalance = (customerId: string, balance: number, what: string) =>
    eventually(
      async () =>
        (await gateway().get(`/api/v1/loyalty/members/${customerId}`).set('authorization', agent1)).body.balance ===
        balance,
      30_000,
      what,
    );
  const statement = async (customerId: string) =>
    (await gateway().get(`/api/v1/loyalty/members/${customerId}/statement`).set('authorization', agent1).expect(200))
      .body as {
      balance: number;
      items: Array<{
        kind: string;
        points: number;
        balanceAfter: number;
        sourceId: string | null;
        reason: string | null;
      }>;
    };
  /** The lots as the customer's own subject access export shows them. */
  const lots = async (customerId: string) => {
    const exported = (
      await gateway().get(`/api/v1/customers/${customerId}/export`).set('authorization', agent1).expect(200)
    ).body;
    return (
      exported.sections.pointLots as Array<{
        sourceId: string | null;
        remaining: number;
        earnedAt: string;
        expiresAt: string;
      }>
    )
      .filter((l) => l.remaining > 0)
      .map(({ sourceId, remaining, earnedAt, expiresAt }) => ({ sourceId, remaining, earnedAt, expiresAt }));
  };
  const reconciliation = async () =>
    (await gateway().get('/api/v1/loyalty/admin/reconciliation').set('authorization', admin).expect(200)).body;
  const monthsAgo = (months: number) => new Date(Date.now() - months * 30 * 86_400_000);
  const inLoyaltyInbox = (eventId: string) =>
    eventually(
      async () => (await db.query('SELECT 1 FROM loyalty.inbox WHERE event_id = $1', [eventId])).rowCount === 1,
      30_000,
      `loyalty to handle ${eventId}`,
    );

  it('moves the merged customer’s points and lots to the survivor, a later refund of its purchase debits the survivor, and a redelivery changes nothing', async () => {
    const survivor = await create();
    const source = await create();
    await buy(survivor, '300.00', monthsAgo(2));
    const older = await buy(source, '200.00', monthsAgo(5));
    await buy(source, '150.00', new Date());
    await waitForBalance(survivor, 300, 'the survivor’s points');
    await waitForBalance(source, 350, 'the merged customer’s points');
    const sourceLots = await lots(source);
    expect(sourceLots).toHaveLength(2);

    await gateway()
      .post(`/api/v1/customers/${survivor}/merge`)
      .set('authorization', agent1)
      .send({ sourceId: source })
      .expect(200);
    await waitForBalance(survivor, 650, 'both balances on the survivor');

    // The merged customer's lots are the survivor's now, each with its own earn date and expiry.
    expect(await lots(survivor)).toEqual(expect.arrayContaining(sourceLots));
    expect(await lots(survivor)).toHaveLength(3);
    const moved = await statement(survivor);
    expect(moved.balance).toBe(650);
    expect(moved.items[0]).toMatchObject({
      kind: 'merge',
      points: 350,
      balanceAfter: 650,
      sourceId: `merge:${source}:in`,
    });
    expect(moved.items.reduce((sum, item) => sum + item.points, 0)).toBe(650);
    // The merged id reads as the survivor's account, as the customer reads as the survivor.
    expect(await member(source)).toMatchObject({ customerId: survivor, balance: 650 });
    const books = await reconciliation();
    expect(books).toMatchObject({ ok: true, entriesSum: 0, unbalancedMovements: 0, mismatchedMembers: 0 });

    // A refund of the merged customer's purchase (now the survivor's in customer-profile) debits the survivor.
    await gateway()
      .post(`/api/v1/customers/${survivor}/purchases/${older.id}/refunds`)
      .set('authorization', agent1)
      .send({ amount: '200.00', reason: 'damaged' })
      .expect(201);
    await waitForBalance(survivor, 450, 'the refund debited from the survivor');
    expect((await statement(survivor)).items[0]).toMatchObject({ kind: 'reverse', points: -200, balanceAfter: 450 });
    expect((await lots(survivor)).map((l) => l.sourceId)).not.toContain(`purchase:${older.id}`);
    const beforeRedelivery = await statement(survivor);

    // customer.merged delivered again by customer-profile's relay (same event id), then published again under a new id.
    const [mergeEvent] = (
      await db.query(
        `SELECT event_id, payload FROM customer_profile.outbox WHERE message_key = $1 AND event_type = $2`,
        [survivor, CustomerMergedV1.type],
      )
    ).rows as Array<{ event_id: string; payload: string }>;
    await db.query(`UPDATE customer_profile.outbox SET published_at = NULL WHERE event_id = $1`, [
      mergeEvent!.event_id,
    ]);
    await eventually(
      async () =>
        (
          await db.query(`SELECT 1 FROM customer_profile.outbox WHERE event_id = $1 AND published_at IS NOT NULL`, [
            mergeEvent!.event_id,
          ])
        ).rowCount === 1,
      30_000,
      'the relay to publish the merge again',
    );
    const republished = createEnvelope(CustomerMergedV1, survivor, JSON.parse(mergeEvent!.payload));
    await producer.send([{ topic: Topics.customers.name, ...toBinaryMode(republished) }]);
    // Same key, so the same partition: once the new copy is handled, the redelivered one was too.
    await inLoyaltyInbox(republished.id);
    const after = await statement(survivor);
    expect(after).toEqual(beforeRedelivery);
    expect(after.balance).toBe(450);
    expect(after.items.filter((i) => i.kind === 'merge')).toHaveLength(1);
    expect((await reconciliation()).ok).toBe(true);
  }, 180_000);
});
