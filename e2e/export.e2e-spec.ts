import { randomUUID } from 'node:crypto';
import { adminClient, bearer, control, customerRequest, eventually, stackInfo, uniqueTag } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

interface ExportDocument {
  exportedAt: string;
  customerId: string;
  customer: { id: string; email: string | null };
  sections: Record<string, unknown>;
  sources: Array<{ service: string; readAt: string; sections: string[] }>;
}

/**
 * The subject access export as a privacy officer runs it: one document with every service's part,
 * each stamped with the service and the time it read it; all or nothing when a service is down.
 */
describe('subject access export', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  let agent1: string;
  let customer: { id: string; email: string; name: string };
  let purchaseId: string;
  let segmentId: string;
  const orderId = `SO-EXPORT-${randomUUID()}`;

  const exportOf = (id: string, auth = agent1) =>
    gateway().get(`/api/v1/customers/${id}/export`).set('authorization', auth);

  beforeAll(async () => {
    db = await adminClient();
    agent1 = await bearer('agent1');
    const created = await gateway()
      .post('/api/v1/customers')
      .set('authorization', agent1)
      .send(customerRequest({ email: `export-${randomUUID().slice(0, 8)}@example.com` }))
      .expect(201);
    customer = created.body;
    const at = (path: string) => gateway().post(`/api/v1/customers/${customer.id}${path}`).set('authorization', agent1);

    purchaseId = (
      await at('/purchases')
        .send({
          externalOrderId: orderId,
          currency: 'CNY',
          occurredAt: '2026-11-20T10:15:00+08:00',
          lines: [
            { sku: 'TEA-001', name: '西湖龙井', category: 'tea', quantity: 2, unitPrice: 88.5 },
            { sku: 'CUP-002', name: '茶杯', category: 'ware', quantity: 1, unitPrice: 30 },
          ],
        })
        .expect(201)
    ).body.id;
    await at(`/purchases/${purchaseId}/refunds`)
      .send({ lines: [{ lineNo: 2, quantity: 1 }], reason: 'cup broken' })
      .expect(201);
    await at('/release').send({ reason: 'export test: owner change' }).expect(200);
    // Back to agent1 by an admin's assignment, not a claim: a claim would depend on how many customers
    // other specs left with agent1 (the holding cap).
    await gateway()
      .post(`/api/v1/customers/${customer.id}/owner`)
      .set('authorization', await bearer('admin'))
      .send({ ownerId: 'agent1', team: 'north', reason: 'export test: back to agent1' })
      .expect(200);
    await at('/lifecycle').send({ stage: 'loyal', reason: 'export test: VIP' }).expect(200);
    await at('/consents')
      .send({ channel: 'email', purpose: 'marketing', granted: true, source: 'web_form' })
      .expect(201);
    await at('/consents')
      .send({ channel: 'email', purpose: 'marketing', granted: false, source: 'unsubscribe_link' })
      .expect(201);
    segmentId = (
      await gateway()
        .post('/api/v1/segments')
        .set('authorization', agent1)
        .send({ name: `导出 ${uniqueTag()}`, kind: 'static' })
        .expect(201)
    ).body.id;
    await gateway()
      .post(`/api/v1/segments/${segmentId}/members`)
      .set('authorization', agent1)
      .send({ customerIds: [customer.id] })
      .expect(200);
  });

  afterAll(() => db.end());

  it('returns every service’s part of what it holds on the customer, section by section, each stamped', async () => {
    const askedAt = Date.now();
    // loyalty opens the account, credits the purchase and reverses the refund from events: wait for all three.
    const document = await eventually(
      async () => {
        const body = (await exportOf(customer.id).expect(200)).body as ExportDocument;
        return (body.sections['pointsLedger'] as Array<{ kind: string }>).some((m) => m.kind === 'reverse')
          ? body
          : undefined;
      },
      30_000,
      'loyalty to credit the purchase and reverse the refund',
    );

    expect(document.customerId).toBe(customer.id);
    expect(document.customer).toMatchObject({ id: customer.id, email: customer.email }); // unmasked
    expect(document.sources.map((s) => s.service)).toEqual([
      'customer-profile',
      'loyalty',
      'interaction',
      'service-desk',
      'analytics',
    ]);
    for (const source of document.sources) {
      expect(Date.parse(source.readAt)).toBeGreaterThanOrEqual(askedAt - 1_000);
      expect(Date.parse(source.readAt)).toBeLessThanOrEqual(Date.parse(document.exportedAt));
    }
    expect(document.sources.find((s) => s.service === 'loyalty')!.sections).toEqual(
      expect.arrayContaining(['loyaltyAccount', 'pointsLedger', 'pointLots', 'redemptions', 'coupons', 'referrals']),
    );
    expect(document.sources.find((s) => s.service === 'customer-profile')!.sections).toEqual(
      expect.arrayContaining([
        'profile',
        'purchases',
        'consents',
        'ownershipHistory',
        'lifecycleHistory',
        'segmentMemberships',
      ]),
    );

    const s = document.sections;
    expect(s['profile']).toMatchObject({ id: customer.id, name: customer.name, email: customer.email });
    expect(s['purchases']).toEqual([
      expect.objectContaining({
        id: purchaseId,
        externalOrderId: orderId,
        total: '207.00',
        refunded: '30.00',
        lines: [
          expect.objectContaining({ lineNo: 1, sku: 'TEA-001', quantity: 2 }),
          expect.objectContaining({ lineNo: 2, sku: 'CUP-002', refundedQuantity: 1 }),
        ],
        refunds: [expect.objectContaining({ amount: '30.00', reason: 'cup broken' })],
      }),
    ]);
    expect(s['consents']).toEqual([
      expect.objectContaining({ channel: 'email', purpose: 'marketing', granted: false }),
      expect.objectContaining({ channel: 'email', purpose: 'marketing', granted: true }),
    ]);
    expect((s['ownershipHistory'] as Array<{ change: string }>).map((h) => h.change)).toEqual(
      expect.arrayContaining(['released', 'assigned']),
    );
    expect(s['lifecycleHistory']).toEqual(
      expect.arrayContaining([expect.objectContaining({ to: 'loyal', reason: 'export test: VIP', automatic: false })]),
    );
    expect(s['segmentMemberships']).toEqual([expect.objectContaining({ segmentId })]);
    expect(s['loyaltyAccount']).toMatchObject({ customerId: customer.id, balance: 177, erasedAt: null });
    expect((s['pointsLedger'] as Array<{ kind: string; points: number }>).map((m) => [m.kind, m.points])).toEqual([
      ['earn', 207],
      ['reverse', -30],
    ]);
    expect(s['pointLots']).toEqual([
      expect.objectContaining({ remaining: expect.any(Number), expiresAt: expect.any(String) }),
    ]);
    expect(s['purchasePoints']).toEqual([expect.objectContaining({ purchaseId })]);
    expect(s).toMatchObject({ redemptions: [], coupons: [], referrals: [] });

    const audit = await db.query(
      `SELECT count(*)::int AS n FROM gateway.audit_log WHERE action = 'customer.export' AND resource_id = $1 AND pii_unmasked`,
      [customer.id],
    );
    expect(audit.rows[0].n).toBeGreaterThanOrEqual(1);
  });

  it('refuses a caller without pii:read, an unknown customer and a malformed id with a problem', async () => {
    const masked = await exportOf(customer.id, await bearer('analyst')).expect(403);
    expect(masked.headers['content-type']).toMatch(/application\/problem\+json/);
    const unknown = await exportOf(randomUUID()).expect(404);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    await exportOf(customer.id, await bearer('agent2')).expect(404); // another agent's customer
    const malformed = await exportOf('not-a-uuid').expect(400);
    expect(malformed.headers['content-type']).toMatch(/application\/problem\+json/);
    await gateway().get(`/api/v1/customers/${customer.id}/export`).expect(401);
  });

  it('fails with a problem naming the service while loyalty is down, never with a partial document, and works again after', async () => {
    const audited = async () =>
      (
        await db.query(
          `SELECT count(*)::int AS n FROM gateway.audit_log WHERE action = 'customer.export' AND resource_id = $1`,
          [customer.id],
        )
      ).rows[0].n as number;
    const before = await audited();
    await control('services/loyalty/stop');
    try {
      const failed = await exportOf(customer.id).expect(503);
      expect(failed.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(failed.body).toMatchObject({
        type: expect.stringMatching(/service-unavailable$/),
        status: 503,
        service: 'loyalty',
      });
      expect(failed.body.detail).toContain('loyalty');
      expect(failed.body.sections).toBeUndefined();
      expect(await audited()).toBe(before); // nothing was handed out
    } finally {
      await control('services/loyalty/start');
    }
    const again = (await exportOf(customer.id).expect(200)).body as ExportDocument;
    expect(again.sources.map((s) => s.service)).toEqual([
      'customer-profile',
      'loyalty',
      'interaction',
      'service-desk',
      'analytics',
    ]);
    expect(again.sections['loyaltyAccount']).toMatchObject({ customerId: customer.id });
  });
});
