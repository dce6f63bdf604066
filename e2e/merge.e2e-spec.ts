import { randomUUID } from 'node:crypto';
import { adminClient, bearer, customerRequest, stackInfo, userToken } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * A merge moves everything customer-profile holds under the merged id to the survivor: purchases
 * with their refunds, totals per currency and in the base currency, ownership and lifecycle
 * history — and the survivor settles on one lifecycle stage, published like every other move.
 */
describe('merge moves purchases, totals and history to the survivor', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  let agent1: string;
  let agent2: string;
  let manager: string;
  let agent1Sub: string;

  beforeAll(async () => {
    db = await adminClient();
    [agent1, agent2, manager] = await Promise.all([bearer('agent1'), bearer('agent2'), bearer('manager')]);
    agent1Sub = JSON.parse(Buffer.from((await userToken('agent1')).split('.')[1]!, 'base64url').toString('utf8'))
      .sub as string;
  });
  afterAll(async () => {
    await db.end();
  });

  const create = async (who = agent1): Promise<string> =>
    (
      await gateway()
        .post('/api/v1/customers')
        .query({ force: 'true' })
        .set('authorization', who)
        .send(customerRequest())
        .expect(201)
    ).body.id as string;
  const buy = async (customerId: string, order: Record<string, unknown>) =>
    (
      await gateway()
        .post(`/api/v1/customers/${customerId}/purchases`)
        .set('authorization', agent1)
        .send({
          externalOrderId: `SO-${randomUUID()}`,
          currency: 'CNY',
          channel: 'store',
          occurredAt: new Date().toISOString(),
          lines: [{ sku: 'TEA-001', quantity: 1, unitPrice: 100 }],
          ...order,
        })
        .expect(201)
    ).body as { id: string; externalOrderId: string };
  const totals = async (customerId: string) =>
    (await gateway().get(`/api/v1/customers/${customerId}/purchase-totals`).set('authorization', agent1).expect(200))
      .body;
  const outbox = async (customerId: string, type: string) =>
    (
      await db.query(
        `SELECT payload FROM customer_profile.outbox WHERE message_key = $1 AND event_type = $2 ORDER BY seq`,
        [customerId, type],
      )
    ).rows.map((r: { payload: string }) => JSON.parse(r.payload));
  const cents = (amount: string) => Math.round(Number(amount) * 100);

  it('shows both customers’ purchases, refunds, summed totals and both histories on the survivor', async () => {
    const survivor = await create();
    const source = await create();
    const own = await buy(survivor, {
      occurredAt: '2026-10-01T10:00:00+08:00',
      lines: [{ sku: 'TEA-001', quantity: 2, unitPrice: 88.5 }],
    });
    const theirs = await buy(source, { occurredAt: '2026-11-01T10:00:00+08:00' });
    const theirsUsd = await buy(source, {
      occurredAt: '2026-11-02T10:00:00+08:00',
      currency: 'USD',
      lines: [{ sku: 'TEA-009', quantity: 1, unitPrice: '10.00' }],
    });
    await gateway()
      .post(`/api/v1/customers/${source}/purchases/${theirs.id}/refunds`)
      .set('authorization', agent1)
      .send({ amount: '25.00', reason: 'damaged' })
      .expect(201);
    await gateway()
      .post(`/api/v1/customers/${source}/release`)
      .set('authorization', agent1)
      .send({ reason: 'tidy up' })
      .expect(200);
    await gateway()
      .post(`/api/v1/customers/${source}/owner`)
      .set('authorization', manager)
      .send({ ownerId: agent1Sub, team: 'north', reason: 'back to agent1' })
      .expect(200);
    const [before, beforeSource] = [await totals(survivor), await totals(source)];
    expect(
      (await gateway().get(`/api/v1/customers/${survivor}/lifecycle`).set('authorization', agent1).expect(200)).body
        .stage,
    ).toBe('new');
    expect(
      (await gateway().get(`/api/v1/customers/${source}/lifecycle`).set('authorization', agent1).expect(200)).body
        .stage,
    ).toBe('active');

    await gateway()
      .post(`/api/v1/customers/${survivor}/merge`)
      .set('authorization', agent1)
      .send({ sourceId: source })
      .expect(200);

    const purchases = (
      await gateway().get(`/api/v1/customers/${survivor}/purchases`).set('authorization', agent1).expect(200)
    ).body;
    expect(purchases.items.map((p: { id: string }) => p.id)).toEqual([theirsUsd.id, theirs.id, own.id]);
    expect(purchases.items.every((p: { customerId: string }) => p.customerId === survivor)).toBe(true);
    expect(purchases.items[1].refunds).toEqual([expect.objectContaining({ amount: '25.00', reason: 'damaged' })]);

    const after = await totals(survivor);
    expect(after).toMatchObject({
      purchaseCount: 3,
      firstPurchaseAt: '2026-10-01T02:00:00.000Z',
      lastPurchaseAt: '2026-11-02T02:00:00.000Z',
      byCurrency: [
        { currency: 'CNY', purchaseCount: 2, total: '277.00', refunded: '25.00', net: '252.00' },
        { currency: 'USD', purchaseCount: 1, total: '10.00', refunded: '0.00', net: '10.00' },
      ],
    });
    expect(cents(after.totalBase)).toBe(cents(before.totalBase) + cents(beforeSource.totalBase));
    expect(cents(after.refundedBase)).toBe(cents(before.refundedBase) + cents(beforeSource.refundedBase));
    const leftover = await db.query(
      `SELECT (SELECT count(*) FROM customer_profile.purchases WHERE customer_id = $1)::int AS purchases,
              (SELECT count(*) FROM customer_profile.purchase_refunds WHERE customer_id = $1)::int AS refunds,
              (SELECT count(*) FROM customer_profile.customer_purchase_totals WHERE customer_id = $1)::int AS totals,
              (SELECT count(*) FROM customer_profile.customer_purchase_summary WHERE customer_id = $1)::int AS summaries`,
      [source],
    );
    expect(leftover.rows[0]).toEqual({ purchases: 0, refunds: 0, totals: 0, summaries: 0 });

    const ownership = (
      await gateway().get(`/api/v1/customers/${survivor}/ownership-history`).set('authorization', agent1).expect(200)
    ).body;
    expect(ownership.items.map((h: { change: string; reason: string }) => [h.change, h.reason])).toEqual([
      ['released', 'tidy up'],
      ['assigned', 'back to agent1'],
    ]);

    // the source bought last and the two bought three times together: active, published like every move
    const lifecycle = (
      await gateway().get(`/api/v1/customers/${survivor}/lifecycle`).set('authorization', agent1).expect(200)
    ).body;
    expect(lifecycle.stage).toBe('active');
    expect(lifecycle.history.map((h: { from: string | null; to: string }) => `${h.from}→${h.to}`)).toEqual([
      'prospect→new',
      'prospect→new',
      'new→active',
      'new→active',
    ]);
    expect(lifecycle.history[3]).toMatchObject({ reason: `merged with customer ${source}`, automatic: true });
    expect(await outbox(survivor, 'rapport.customer-profile.lifecycle.changed.v1')).toEqual([
      expect.objectContaining({ to: 'new' }),
      expect.objectContaining({ from: 'new', to: 'active', reason: `merged with customer ${source}` }),
    ]);
    expect(await outbox(survivor, 'rapport.customer-profile.customer.merged.v1')).toEqual([
      { customerId: survivor, survivorId: survivor, mergedId: source, mergedAt: expect.any(String) },
    ]);

    // reads of the merged id answer with the survivor; its order ids stay unique (a replay lands on the survivor)
    expect((await gateway().get(`/api/v1/customers/${source}`).set('authorization', agent1).expect(200)).body.id).toBe(
      survivor,
    );
    const replay = await gateway()
      .post(`/api/v1/customers/${survivor}/purchases`)
      .set('authorization', agent1)
      .send({
        externalOrderId: theirs.externalOrderId,
        currency: 'CNY',
        channel: 'store',
        occurredAt: '2026-11-01T10:00:00+08:00',
        lines: [{ sku: 'TEA-001', quantity: 1, unitPrice: 100 }],
      })
      .expect(200);
    expect(replay.body.id).toBe(theirs.id);
    expect((await totals(survivor)).purchaseCount).toBe(3);
  });

  it('keeps the survivor’s stage when it bought last, and moves nothing for customers without purchases', async () => {
    const survivor = await create();
    const source = await create();
    await buy(source, { occurredAt: '2026-01-01T10:00:00+08:00' });
    await buy(survivor, { occurredAt: '2026-09-01T10:00:00+08:00' });
    await gateway()
      .post(`/api/v1/customers/${survivor}/lifecycle`)
      .set('authorization', agent1)
      .send({ stage: 'loyal', reason: 'VIP' })
      .expect(200);
    await gateway()
      .post(`/api/v1/customers/${survivor}/merge`)
      .set('authorization', agent1)
      .send({ sourceId: source })
      .expect(200);
    const lifecycle = (
      await gateway().get(`/api/v1/customers/${survivor}/lifecycle`).set('authorization', agent1).expect(200)
    ).body;
    expect(lifecycle.stage).toBe('loyal');
    expect(await outbox(survivor, 'rapport.customer-profile.lifecycle.changed.v1')).toHaveLength(2); // first purchase, by hand
    expect((await totals(survivor)).purchaseCount).toBe(2);

    const quiet = await create();
    const quietSource = await create();
    await gateway()
      .post(`/api/v1/customers/${quiet}/merge`)
      .set('authorization', agent1)
      .send({ sourceId: quietSource })
      .expect(200);
    expect(await totals(quiet)).toMatchObject({ purchaseCount: 0, byCurrency: [] });
    expect(
      (await gateway().get(`/api/v1/customers/${quiet}/lifecycle`).set('authorization', agent1).expect(200)).body.stage,
    ).toBe('prospect');
  });

  it('refuses a merge with itself and a merge of another agent’s customer, moving nothing', async () => {
    const survivor = await create();
    await buy(survivor, {});
    const self = await gateway()
      .post(`/api/v1/customers/${survivor}/merge`)
      .set('authorization', agent1)
      .send({ sourceId: survivor })
      .expect(422);
    expect(self.body).toMatchObject({ code: 'invalid-merge-source', errors: [{ field: 'sourceId' }] });
    const theirs = await create(agent2);
    const theirOrder = await gateway()
      .post(`/api/v1/customers/${theirs}/purchases`)
      .set('authorization', agent2)
      .send({
        externalOrderId: `SO-${randomUUID()}`,
        currency: 'CNY',
        channel: 'store',
        occurredAt: new Date().toISOString(),
        lines: [{ sku: 'X', quantity: 1, unitPrice: 5 }],
      })
      .expect(201);
    await gateway()
      .post(`/api/v1/customers/${survivor}/merge`)
      .set('authorization', agent1)
      .send({ sourceId: theirs })
      .expect(422);
    await gateway()
      .post(`/api/v1/customers/${theirs}/merge`)
      .set('authorization', agent1)
      .send({ sourceId: survivor })
      .expect(404);
    expect((await totals(survivor)).purchaseCount).toBe(1);
    const owner = await db.query(`SELECT customer_id FROM customer_profile.purchases WHERE id = $1`, [
      theirOrder.body.id,
    ]);
    expect(owner.rows[0].customer_id).toBe(theirs);
  });
});
