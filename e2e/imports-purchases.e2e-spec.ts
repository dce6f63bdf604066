import { randomUUID } from 'node:crypto';
import { PurchaseRecordedV1, Topics } from '@rapport/contracts';
import { adminClient, bearer, collectRecords, eventually, stackInfo, testBus, userToken } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * Bulk import of purchases through the gateway (POST /api/v1/imports?type=purchases): CSV order
 * lines grouped by externalOrderId and JSON lines, customers resolved set-based among those the
 * caller may see, per-row errors, re-imports skipped, totals, lifecycle and purchase.recorded events.
 */
describe('purchase imports through the gateway', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  let agent1: string;

  const subOf = async (user: 'agent1' | 'agent2'): Promise<string> =>
    JSON.parse(Buffer.from((await userToken(user)).split('.')[1]!, 'base64url').toString('utf8')).sub as string;

  const customer = async (
    ownerId: string,
    team: string,
    contact: { email?: string; phone?: string } = {},
  ): Promise<string> => {
    const id = randomUUID();
    await db.query(
      `INSERT INTO customer_profile.customers (id, kind, name, owner_id, team, email, phone, emails, phones)
       VALUES ($1, 'person', $2, $3, $4, $5::text, $6::text, CASE WHEN $5::text IS NULL THEN '{}' ELSE ARRAY[$5::text] END,
               CASE WHEN $6::text IS NULL THEN '{}' ELSE ARRAY[$6::text] END)`,
      [id, `导入购买 ${id.slice(0, 8)}`, ownerId, team, contact.email ?? null, contact.phone ?? null],
    );
    return id;
  };
  const importPurchases = (body: string, type = 'text/csv', token = agent1) =>
    gateway().post('/api/v1/imports?type=purchases').set('authorization', token).set('content-type', type).send(body);
  const count = async (sql: string, params: unknown[]) => (await db.query(sql, params)).rows[0].n as number;

  beforeAll(async () => {
    db = await adminClient();
    agent1 = await bearer('agent1');
  });
  afterAll(async () => {
    await db.end();
  });

  it('imports CSV order lines: good orders in with totals, lifecycle and events; bad rows, unknown customers and re-imports reported', async () => {
    const u = randomUUID().slice(0, 8);
    const agent1Sub = await subOf('agent1');
    const phone = `+86139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const a = await customer(agent1Sub, 'north', { email: `buyer-a-${u}@example.com`, phone });
    const b = await customer(agent1Sub, 'north');
    const foreign = await customer(await subOf('agent2'), 'south', { email: `foreign-${u}@example.com` });
    const bus = testBus();
    const { records, stop } = await collectRecords(bus, Topics.purchases.name, (r) => r.key === a || r.key === b);
    try {
      const csv = [
        'externalOrderId,customerId,email,phone,currency,channel,occurredAt,sku,name,category,quantity,unitPrice',
        `A1-${u},,BUYER-A-${u}@example.com,,CNY,store,2026-11-20T10:15:00+08:00,TEA-001,西湖龙井,tea,2,88.5`,
        `A1-${u},,buyer-a-${u}@example.com,,CNY,store,2026-11-20T10:15:00+08:00,TEA-002,普洱,tea,1,10`,
        `B1-${u},${b},,,USD,web,2026-11-21T09:00:00Z,CUP-1,杯,,3,1.333`,
        `A2-${u},,,${phone.slice(3)},CNY,store,2026-11-22T10:00:00+08:00,TEA-003,,,1,20`,
        `X1-${u},,nobody-${u}@example.com,,CNY,store,2026-11-22T10:00:00+08:00,TEA-001,,,1,20`,
        `X2-${u},,foreign-${u}@example.com,,CNY,store,2026-11-22T10:00:00+08:00,TEA-001,,,1,20`,
        `X3-${u},${b},,,CNY,store,2026-11-22T10:00:00+08:00,TEA-001,,,-1,20`,
        `X3-${u},${b},,,CNY,store,2026-11-22T10:00:00+08:00,TEA-002,,,1,20`,
        `X4-${u},${b},,,XYZ,store,2026-11-22T10:00:00+08:00,TEA-001,,,1,20`,
        `X5-${u},${b},,,CNY,store,yesterday,TEA-001,,,1,20`,
      ].join('\n');
      const response = await importPurchases(csv).expect(201);
      expect(response.body).toMatchObject({
        type: 'purchases',
        status: 'completed',
        rowsTotal: 10,
        rowsImported: 4,
        rowsSkipped: 0,
        rowsFailed: 6,
      });
      expect(
        response.body.errors.map((e: { line: number; field: string | null; message: string }) => [
          e.line,
          e.field,
          e.message,
        ]),
      ).toEqual([
        [6, 'email', 'no customer found for email'],
        [7, 'email', 'no customer found for email'],
        [8, 'quantity', expect.stringContaining('quantity must be a positive number')],
        [9, null, expect.stringContaining(`order X3-${u} has rows with errors`)],
        [10, 'currency', 'unknown currency XYZ: no exchange rate to CNY'],
        [11, 'occurredAt', expect.stringContaining('ISO 8601')],
      ]);
      expect(
        await count(`SELECT count(*)::int AS n FROM customer_profile.purchases WHERE customer_id = $1`, [foreign]),
      ).toBe(0);

      // Totals per currency and in the base currency, exact.
      await gateway().get(`/api/v1/customers/${a}/purchase-totals`).set('authorization', agent1).expect(200);
      const summary = (
        await db.query(
          `SELECT customer_id, purchase_count, total_base::text FROM customer_profile.customer_purchase_summary WHERE customer_id = ANY($1) ORDER BY purchase_count`,
          [[a, b]],
        )
      ).rows;
      expect(summary).toEqual([
        { customer_id: b, purchase_count: 1, total_base: '28.3929' },
        { customer_id: a, purchase_count: 2, total_base: '207.0000' },
      ]);
      expect(
        (await db.query(`SELECT lifecycle_stage FROM customer_profile.customers WHERE id = $1`, [a])).rows[0]
          .lifecycle_stage,
      ).toBe('active');
      expect(
        (await db.query(`SELECT lifecycle_stage FROM customer_profile.customers WHERE id = $1`, [b])).rows[0]
          .lifecycle_stage,
      ).toBe('new');
      const lines = (
        await db.query(
          `SELECT p.external_order_id, l.line_no, l.sku, l.line_total::text FROM customer_profile.purchase_lines l JOIN customer_profile.purchases p ON p.id = l.purchase_id
            WHERE p.customer_id = $1 ORDER BY p.external_order_id, l.line_no`,
          [a],
        )
      ).rows;
      expect(lines).toEqual([
        { external_order_id: `A1-${u}`, line_no: 1, sku: 'TEA-001', line_total: '177.0000' },
        { external_order_id: `A1-${u}`, line_no: 2, sku: 'TEA-002', line_total: '10.0000' },
        { external_order_id: `A2-${u}`, line_no: 1, sku: 'TEA-003', line_total: '20.0000' },
      ]);

      // purchase.recorded on Kafka, as the single-purchase path publishes it: firstPurchase in file order.
      await eventually(async () => records.length === 3, 30_000, 'three purchase.recorded records');
      const published = records.map((r) => ({ type: r.headers['ce_type'], data: JSON.parse(r.value!) }));
      for (const p of published) {
        expect(p.type).toBe(PurchaseRecordedV1.type);
        expect(PurchaseRecordedV1.schema.safeParse(p.data).success).toBe(true);
      }
      const byOrder = Object.fromEntries(published.map((p) => [p.data.externalOrderId, p.data]));
      expect(byOrder[`A1-${u}`]).toMatchObject({
        customerId: a,
        channel: 'store',
        currency: 'CNY',
        total: '187.00',
        baseCurrency: 'CNY',
        totalBase: '187.00',
        occurredAt: '2026-11-20T02:15:00.000Z',
        firstPurchase: true,
        lines: [
          { sku: 'TEA-001', category: 'tea', quantity: 2, unitPrice: '88.50', lineTotal: '177.00' },
          { sku: 'TEA-002', category: 'tea', quantity: 1, unitPrice: '10.00', lineTotal: '10.00' },
        ],
      });
      expect(byOrder[`A2-${u}`]).toMatchObject({ customerId: a, total: '20.00', firstPurchase: false });
      expect(byOrder[`B1-${u}`]).toMatchObject({
        customerId: b,
        currency: 'USD',
        total: '3.999',
        totalBase: '28.3929',
        firstPurchase: true,
      });
      const lifecycle = (
        await db.query(
          `SELECT payload FROM customer_profile.outbox WHERE message_key = $1 AND event_type LIKE '%lifecycle.changed%' ORDER BY seq`,
          [a],
        )
      ).rows.map((r: { payload: string }) => JSON.parse(r.payload));
      expect(lifecycle).toEqual([
        expect.objectContaining({ from: 'prospect', to: 'new', reason: 'first purchase' }),
        expect.objectContaining({ from: 'new', to: 'active', reason: 'repeat purchase' }),
      ]);

      // Progress and the report stay readable.
      const job = await gateway().get(`/api/v1/imports/${response.body.id}`).set('authorization', agent1).expect(200);
      expect(job.body).toMatchObject({ rowsImported: 4, rowsFailed: 6 });

      // The same file again: recorded orders are skipped, nothing doubles, no second event.
      const outboxBefore = await count(
        `SELECT count(*)::int AS n FROM customer_profile.outbox WHERE message_key = ANY($1)`,
        [[a, b]],
      );
      const again = await importPurchases(csv).expect(201);
      expect(again.body).toMatchObject({ rowsImported: 0, rowsSkipped: 4, rowsFailed: 6 });
      expect(again.body.errors.filter((e: { message: string }) => e.message.startsWith('skipped'))).toHaveLength(4);
      expect(
        await count(`SELECT count(*)::int AS n FROM customer_profile.purchases WHERE customer_id = ANY($1)`, [[a, b]]),
      ).toBe(3);
      expect(
        await count(`SELECT count(*)::int AS n FROM customer_profile.outbox WHERE message_key = ANY($1)`, [[a, b]]),
      ).toBe(outboxBefore);
      expect(
        (
          await db.query(
            `SELECT purchase_count FROM customer_profile.customer_purchase_summary WHERE customer_id = $1`,
            [a],
          )
        ).rows[0].purchase_count,
      ).toBe(2);
    } finally {
      await stop();
    }
  });

  it('imports JSON lines, one purchase per line in the shape of POST /customers/{id}/purchases', async () => {
    const c = await customer(await subOf('agent1'), 'north');
    const u = randomUUID().slice(0, 8);
    const purchase = (id: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        customerId: c,
        externalOrderId: id,
        currency: 'CNY',
        channel: 'store',
        occurredAt: '2026-11-20T10:15:00+08:00',
        lines: [{ sku: 'TEA-001', name: '西湖龙井', category: 'tea', quantity: 2, unitPrice: 88.5 }],
        ...extra,
      });
    const body = [
      purchase(`J1-${u}`),
      '{"broken',
      purchase(`J2-${u}`, { coupon: 'x' }),
      purchase(`J3-${u}`, { lines: [] }),
      purchase(`J4-${u}`, { currency: 'EUR' }),
    ].join('\n');
    const response = await importPurchases(body, 'application/x-ndjson').expect(201);
    expect(response.body).toMatchObject({
      format: 'ndjson',
      type: 'purchases',
      rowsTotal: 5,
      rowsImported: 2,
      rowsFailed: 3,
    });
    expect(response.body.errors.map((e: { line: number; field: string | null }) => [e.line, e.field])).toEqual([
      [2, null],
      [3, 'coupon'],
      [4, 'lines'],
    ]);
    const rows = (
      await db.query(
        `SELECT external_order_id, currency, total::text, total_base::text FROM customer_profile.purchases WHERE customer_id = $1 ORDER BY external_order_id`,
        [c],
      )
    ).rows;
    expect(rows).toEqual([
      { external_order_id: `J1-${u}`, currency: 'CNY', total: '177.0000', total_base: '177.0000' },
      { external_order_id: `J4-${u}`, currency: 'EUR', total: '177.0000', total_base: '1362.9000' },
    ]);
  });

  it('refuses a bad type, callers without customers:write, and writes nothing', async () => {
    const before = await count(`SELECT count(*)::int AS n FROM customer_profile.imports`, []);
    const csv =
      'externalOrderId,customerId,currency,occurredAt,sku,quantity,unitPrice\nZ-1,00000000-0000-0000-0000-000000000000,CNY,2026-11-20T10:15:00Z,A,1,1';
    const bad = await gateway()
      .post('/api/v1/imports?type=orders')
      .set('authorization', agent1)
      .set('content-type', 'text/csv')
      .send(csv)
      .expect(400);
    expect(JSON.stringify(bad.body)).toContain('type');
    await importPurchases(csv, 'text/csv', await bearer('analyst')).expect(403);
    await gateway().post('/api/v1/imports?type=purchases').set('content-type', 'text/csv').send(csv).expect(401);
    await importPurchases(csv, 'text/plain').expect(415);
    expect(await count(`SELECT count(*)::int AS n FROM customer_profile.imports`, [])).toBe(before);
  });
});
