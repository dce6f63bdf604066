import { randomUUID } from 'node:crypto';
import { Topics } from '@rapport/contracts';
import { adminClient, bearer, collectRecords, eventually, stackInfo, testBus, userToken } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * Purchases and refunds through the gateway: exact money, per-currency and base-currency totals,
 * replays that do not double, row-level visibility, and the events loyalty consumes.
 */
describe('purchases through the gateway', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  let agent1: string;
  let agent1Sub: string;

  const subOf = async (user: 'agent1' | 'agent2' | 'manager'): Promise<string> =>
    JSON.parse(Buffer.from((await userToken(user)).split('.')[1]!, 'base64url').toString('utf8')).sub as string;

  /** Customers are seeded straight into the table: these tests are about purchases, not creation rules. */
  const customer = async (ownerId: string | null, team: string | null = 'north'): Promise<string> => {
    const id = randomUUID();
    await db.query(
      `INSERT INTO customer_profile.customers (id, kind, name, owner_id, team) VALUES ($1, 'person', $2, $3, $4)`,
      [id, `购买测试 ${id.slice(0, 8)}`, ownerId, team],
    );
    return id;
  };

  const order = (overrides: Record<string, unknown> = {}) => ({
    externalOrderId: `SO-${randomUUID()}`,
    currency: 'CNY',
    channel: 'store',
    occurredAt: '2026-11-20T10:15:00+08:00',
    lines: [{ sku: 'TEA-001', name: '西湖龙井', category: 'tea', quantity: 2, unitPrice: 88.5 }],
    ...overrides,
  });

  const events = async (customerId: string) =>
    (
      await db.query(`SELECT event_type, payload FROM customer_profile.outbox WHERE message_key = $1 ORDER BY seq`, [
        customerId,
      ])
    ).rows.map((r: { event_type: string; payload: string }) => ({ type: r.event_type, data: JSON.parse(r.payload) }));

  const purchaseRows = async (customerId: string) =>
    (await db.query(`SELECT count(*)::int AS n FROM customer_profile.purchases WHERE customer_id = $1`, [customerId]))
      .rows[0].n as number;

  beforeAll(async () => {
    db = await adminClient();
    agent1 = await bearer('agent1');
    agent1Sub = await subOf('agent1');
  });
  afterAll(async () => {
    await db.end();
  });

  it('records a purchase, publishes purchase.recorded with firstPurchase, and lists it', async () => {
    const id = await customer(agent1Sub);
    const bus = testBus();
    const { records, stop } = await collectRecords(bus, Topics.purchases.name, (r) => r.key === id);
    try {
      const body = order();
      const created = await gateway()
        .post(`/api/v1/customers/${id}/purchases`)
        .set('authorization', agent1)
        .send(body)
        .expect(201);
      expect(created.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        customerId: id,
        externalOrderId: body.externalOrderId,
        currency: 'CNY',
        total: '177.00',
        baseCurrency: 'CNY',
        totalBase: '177.00',
        refunded: '0.00',
        occurredAt: '2026-11-20T02:15:00.000Z',
        lines: [
          {
            lineNo: 1,
            sku: 'TEA-001',
            name: '西湖龙井',
            category: 'tea',
            quantity: 2,
            unitPrice: '88.50',
            lineTotal: '177.00',
            refundedQuantity: 0,
          },
        ],
      });
      const second = await gateway()
        .post(`/api/v1/customers/${id}/purchases`)
        .set('authorization', agent1)
        .send(order({ lines: [{ sku: 'CUP-9', quantity: 3, unitPrice: '0.1' }] }))
        .expect(201);
      expect(second.body.total).toBe('0.30');

      await eventually(async () => records.length === 2, 20_000, 'two purchase.recorded records');
      const payloads = records.map((r) => ({ type: r.headers['ce_type'], data: JSON.parse(r.value!) }));
      expect(payloads[0]).toMatchObject({
        type: 'rapport.customer-profile.purchase.recorded.v1',
        data: {
          purchaseId: created.body.id,
          customerId: id,
          total: '177.00',
          totalBase: '177.00',
          firstPurchase: true,
          lines: [{ sku: 'TEA-001', quantity: 2, unitPrice: '88.50', lineTotal: '177.00' }],
        },
      });
      expect(payloads[1]!.data).toMatchObject({ purchaseId: second.body.id, firstPurchase: false });

      const page1 = await gateway()
        .get(`/api/v1/customers/${id}/purchases?limit=1`)
        .set('authorization', agent1)
        .expect(200);
      expect(page1.body.items).toHaveLength(1);
      expect(page1.body.nextCursor).toEqual(expect.any(String));
      const page2 = await gateway()
        .get(`/api/v1/customers/${id}/purchases?limit=1&cursor=${encodeURIComponent(page1.body.nextCursor)}`)
        .set('authorization', agent1)
        .expect(200);
      expect(page2.body.items).toHaveLength(1);
      expect(page2.body.nextCursor).toBeNull();
      expect([page1.body.items[0].id, page2.body.items[0].id].sort()).toEqual([created.body.id, second.body.id].sort());

      const contact = await db.query(`SELECT last_contact_at FROM customer_profile.customers WHERE id = $1`, [id]);
      expect(new Date(contact.rows[0].last_contact_at).toISOString()).toBe('2026-11-20T02:15:00.000Z');
    } finally {
      await stop();
      await bus.close();
    }
  });

  it('keeps totals per currency and in the base currency, never summing currencies', async () => {
    const id = await customer(agent1Sub);
    await gateway().post(`/api/v1/customers/${id}/purchases`).set('authorization', agent1).send(order()).expect(201);
    const usd = await gateway()
      .post(`/api/v1/customers/${id}/purchases`)
      .set('authorization', agent1)
      .send(order({ currency: 'USD', lines: [{ sku: 'GIFT', quantity: 1, unitPrice: '10.00' }] }))
      .expect(201);
    expect(usd.body).toMatchObject({ currency: 'USD', total: '10.00', baseCurrency: 'CNY', totalBase: '71.00' });
    const totals = await gateway()
      .get(`/api/v1/customers/${id}/purchase-totals`)
      .set('authorization', agent1)
      .expect(200);
    expect(totals.body).toMatchObject({
      customerId: id,
      baseCurrency: 'CNY',
      purchaseCount: 2,
      totalBase: '248.00',
      netBase: '248.00',
      byCurrency: [
        { currency: 'CNY', purchaseCount: 1, total: '177.00', refunded: '0.00', net: '177.00' },
        { currency: 'USD', purchaseCount: 1, total: '10.00', refunded: '0.00', net: '10.00' },
      ],
    });
  });

  it('answers a replayed externalOrderId with the same purchase (200), without a second record or event', async () => {
    const id = await customer(agent1Sub);
    const body = order();
    const first = await gateway()
      .post(`/api/v1/customers/${id}/purchases`)
      .set('authorization', agent1)
      .send(body)
      .expect(201);
    const replay = await gateway()
      .post(`/api/v1/customers/${id}/purchases`)
      .set('authorization', agent1)
      .send(body)
      .expect(200);
    expect(replay.body.id).toBe(first.body.id);
    expect(await purchaseRows(id)).toBe(1);
    expect((await events(id)).filter((e) => e.type.endsWith('purchase.recorded.v1'))).toHaveLength(1);

    // The same order id on another customer is a conflict, not a silent second purchase.
    const other = await customer(agent1Sub);
    const conflict = await gateway()
      .post(`/api/v1/customers/${other}/purchases`)
      .set('authorization', agent1)
      .send(body)
      .expect(409);
    expect(conflict.body.errors[0].field).toBe('externalOrderId');
    expect(await purchaseRows(other)).toBe(0);
  });

  it('refunds in part by amount and by line, never more than was paid, each as its own record and event', async () => {
    const id = await customer(agent1Sub);
    const purchase = (
      await gateway()
        .post(`/api/v1/customers/${id}/purchases`)
        .set('authorization', agent1)
        .send(
          order({
            currency: 'USD',
            lines: [
              { sku: 'A', quantity: 2, unitPrice: '10.00' },
              { sku: 'B', quantity: 1, unitPrice: '5.55' },
            ],
          }),
        )
        .expect(201)
    ).body;
    expect(purchase.total).toBe('25.55');
    const refunds = `/api/v1/customers/${id}/purchases/${purchase.id}/refunds`;

    const byLine = await gateway()
      .post(refunds)
      .set('authorization', agent1)
      .send({ lines: [{ lineNo: 1, quantity: 1 }], reason: 'one cup broken' })
      .expect(201);
    expect(byLine.body).toMatchObject({
      purchaseId: purchase.id,
      currency: 'USD',
      amount: '10.00',
      baseCurrency: 'CNY',
      amountBase: '71.00',
    });

    const tooMuch = await gateway()
      .post(refunds)
      .set('authorization', agent1)
      .send({ amount: '15.56', reason: 'more than is left' })
      .expect(422);
    expect(tooMuch.body.errors[0].field).toBe('amount');
    const tooMany = await gateway()
      .post(refunds)
      .set('authorization', agent1)
      .send({ lines: [{ lineNo: 1, quantity: 2 }], reason: 'x' })
      .expect(422);
    expect(tooMany.body.errors[0].field).toBe('lines[0].quantity');

    const byAmount = await gateway()
      .post(refunds)
      .set('authorization', agent1)
      .send({ amount: 5.55, reason: 'goodwill' })
      .expect(201);
    expect(byAmount.body.amount).toBe('5.55');
    const rest = await gateway()
      .post(refunds)
      .set('authorization', agent1)
      .send({ reason: 'order cancelled' })
      .expect(201);
    expect(rest.body.amount).toBe('10.00');
    await gateway().post(refunds).set('authorization', agent1).send({ reason: 'again' }).expect(409);

    const totals = (
      await gateway().get(`/api/v1/customers/${id}/purchase-totals`).set('authorization', agent1).expect(200)
    ).body;
    expect(totals).toMatchObject({ totalBase: '181.405', refundedBase: '181.405', netBase: '0.00' });
    expect(totals.byCurrency).toEqual([
      { currency: 'USD', purchaseCount: 1, total: '25.55', refunded: '25.55', net: '0.00' },
    ]);

    const refunded = (await events(id)).filter((e) => e.type.endsWith('purchase.refunded.v1')).map((e) => e.data);
    expect(refunded.map((r) => r.amount)).toEqual(['10.00', '5.55', '10.00']);
    expect(refunded[0]).toMatchObject({
      purchaseId: purchase.id,
      customerId: id,
      currency: 'USD',
      fraction: expect.closeTo(10 / 25.55, 6),
    });

    const listed = (await gateway().get(`/api/v1/customers/${id}/purchases`).set('authorization', agent1).expect(200))
      .body.items[0];
    expect(listed.refunds).toHaveLength(3);
    expect(listed.lines[0].refundedQuantity).toBe(1);
  });

  it('does not record a refund twice for a retried request with the same Idempotency-Key', async () => {
    const id = await customer(agent1Sub);
    const purchase = (
      await gateway().post(`/api/v1/customers/${id}/purchases`).set('authorization', agent1).send(order()).expect(201)
    ).body;
    const send = () =>
      gateway()
        .post(`/api/v1/customers/${id}/purchases/${purchase.id}/refunds`)
        .set('authorization', agent1)
        .set('idempotency-key', `refund-${purchase.id}`)
        .send({ amount: '7.00', reason: 'late delivery' });
    const first = await send().expect(201);
    const again = await send().expect(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await events(id)).filter((e) => e.type.endsWith('purchase.refunded.v1'))).toHaveLength(1);
  });

  it.each([
    ['an unknown currency', { currency: 'XYZ' }, 422, 'currency'],
    [
      'a float price with too many decimals',
      { lines: [{ sku: 'A', quantity: 1, unitPrice: 0.12345 }] },
      400,
      'lines[0].unitPrice',
    ],
    ['a negative quantity', { lines: [{ sku: 'A', quantity: -1, unitPrice: '1.00' }] }, 400, 'lines[0].quantity'],
    ['no lines', { lines: [] }, 400, 'lines'],
    ['a time without offset', { occurredAt: '2026-11-20T10:15:00' }, 400, 'occurredAt'],
    ['an unknown field', { discount: 5 }, 400, 'discount'],
    ['a lower-case currency', { currency: 'cny' }, 400, 'currency'],
  ])('rejects %s with a problem naming the field and writes nothing', async (_, overrides, status, field) => {
    const id = await customer(agent1Sub);
    const response = await gateway()
      .post(`/api/v1/customers/${id}/purchases`)
      .set('authorization', agent1)
      .send(order(overrides))
      .expect(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await purchaseRows(id)).toBe(0);
    expect(await events(id)).toEqual([]);
  });

  it('applies row-level visibility and scopes', async () => {
    const mine = await customer(agent1Sub);
    const agent2 = await bearer('agent2');
    // Another agent's customer does not exist for agent2.
    await gateway().post(`/api/v1/customers/${mine}/purchases`).set('authorization', agent2).send(order()).expect(404);
    await gateway().get(`/api/v1/customers/${mine}/purchases`).set('authorization', agent2).expect(404);
    await gateway().get(`/api/v1/customers/${mine}/purchase-totals`).set('authorization', agent2).expect(404);
    expect(await purchaseRows(mine)).toBe(0);
    // Another team's manager neither.
    const south = await customer('someone-south', 'south');
    await gateway()
      .get(`/api/v1/customers/${south}/purchases`)
      .set('authorization', await bearer('manager'))
      .expect(404);
    // The analyst reads but may not write.
    await gateway()
      .get(`/api/v1/customers/${mine}/purchases`)
      .set('authorization', await bearer('analyst'))
      .expect(200);
    await gateway()
      .post(`/api/v1/customers/${mine}/purchases`)
      .set('authorization', await bearer('analyst'))
      .send(order())
      .expect(403);
    await gateway().post(`/api/v1/customers/${mine}/purchases`).send(order()).expect(401);
    // An erased customer takes no new purchases.
    const erased = await customer(agent1Sub);
    await db.query(`UPDATE customer_profile.customers SET erased_at = now() WHERE id = $1`, [erased]);
    await gateway()
      .post(`/api/v1/customers/${erased}/purchases`)
      .set('authorization', agent1)
      .send(order())
      .expect(404);
    expect(await purchaseRows(erased)).toBe(0);
    // A missing purchase is a 404 too.
    await gateway()
      .post(`/api/v1/customers/${mine}/purchases/${randomUUID()}/refunds`)
      .set('authorization', agent1)
      .send({ reason: 'x' })
      .expect(404);
  });

  it('lets an admin set exchange rates that new purchases use', async () => {
    const admin = await bearer('admin');
    const code = 'SGD';
    await gateway()
      .put(`/api/v1/exchange-rates/${code}`)
      .set('authorization', agent1)
      .send({ rate: '5.3' })
      .expect(403);
    await gateway().put(`/api/v1/exchange-rates/${code}`).set('authorization', admin).send({ rate: 'abc' }).expect(400);
    // What the document's pattern states: no leading zero, and a rate is positive.
    for (const rate of ['05.3', '0', '0.000']) {
      await gateway().put(`/api/v1/exchange-rates/${code}`).set('authorization', admin).send({ rate }).expect(400);
    }
    await gateway().put('/api/v1/exchange-rates/sgd').set('authorization', admin).send({ rate: '5.3' }).expect(400);
    const put = await gateway()
      .put(`/api/v1/exchange-rates/${code}`)
      .set('authorization', admin)
      .send({ rate: '5.3' })
      .expect(200);
    expect(put.body).toMatchObject({ currency: 'SGD', baseCurrency: 'CNY', rate: '5.3' });
    const list = await gateway().get('/api/v1/exchange-rates').set('authorization', agent1).expect(200);
    expect(list.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ currency: 'SGD', rate: '5.3' })]),
    );
    const id = await customer(agent1Sub);
    const bought = await gateway()
      .post(`/api/v1/customers/${id}/purchases`)
      .set('authorization', agent1)
      .send(order({ currency: 'SGD', lines: [{ sku: 'A', quantity: 3, unitPrice: '3.33' }] }))
      .expect(201);
    expect(bought.body).toMatchObject({ total: '9.99', totalBase: '52.947' });
  });
});
