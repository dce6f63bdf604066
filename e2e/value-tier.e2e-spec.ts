import { randomUUID } from 'node:crypto';
import { bearer, customerRequest, eventually, stackInfo } from '@rapport/testing';
import request from 'supertest';

/**
 * The whole loop, with no hand-made score event: a purchase recorded through the gateway reaches
 * analytics (purchase.recorded), which scores the customer and publishes customer.scored, which
 * customer-profile shows as the customer's value tier; analytics shows from what it was computed.
 */
describe('value tier from a real purchase', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let agent1: string;
  let analyst: string;

  beforeAll(async () => {
    [agent1, analyst] = await Promise.all([bearer('agent1'), bearer('analyst')]);
  });

  it('gives a customer who buys something a value tier in customer-profile, and analytics explains it', async () => {
    const created = await gateway().post('/api/v1/customers').set('authorization', agent1).send(customerRequest());
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body.valueTier).toBeNull();

    await gateway()
      .post(`/api/v1/customers/${id}/purchases`)
      .set('authorization', agent1)
      .send({
        externalOrderId: `SO-${randomUUID()}`,
        currency: 'CNY',
        channel: 'store',
        occurredAt: new Date().toISOString(),
        lines: [{ sku: 'TEA-001', name: '西湖龙井', category: 'tea', quantity: 2, unitPrice: 88.5 }],
      })
      .expect(201);

    let tier: string | null = null;
    await eventually(
      async () => {
        const customer = await gateway().get(`/api/v1/customers/${id}`).set('authorization', agent1);
        tier = customer.body.valueTier ?? null;
        return tier !== null;
      },
      30_000,
      'customer-profile to show the value tier analytics scored',
    );

    const scores = await gateway().get(`/api/v1/analytics/customers/${id}`).set('authorization', analyst);
    expect(scores.status).toBe(200);
    expect(scores.body).toMatchObject({
      customerId: id,
      valueTier: tier,
      inputs: { recencyDays: 0, frequency: 1, monetary: '177.00' },
      computedBy: expect.stringMatching(/^(incremental|run:[0-9a-f-]{36})$/),
    });
    for (const axis of ['recency', 'frequency', 'monetary'] as const) {
      expect(scores.body[axis]).toBeGreaterThanOrEqual(1);
      expect(scores.body[axis]).toBeLessThanOrEqual(5);
    }
    expect(scores.body.cutPoints.monetary).toHaveLength(4);
  });

  it('answers problems through the gateway: a malformed id, a customer never scored, no token, a role without analytics:read', async () => {
    const bad = await gateway().get('/api/v1/analytics/customers/not-a-uuid').set('authorization', analyst);
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');

    const unknown = await gateway().get(`/api/v1/analytics/customers/${randomUUID()}`).set('authorization', analyst);
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.body).toMatchObject({ code: 'customer-not-scored' });

    expect((await gateway().get(`/api/v1/analytics/customers/${randomUUID()}`)).status).toBe(401);
    const agent = await gateway().get(`/api/v1/analytics/customers/${randomUUID()}`).set('authorization', agent1);
    expect(agent.status).toBe(403);
    expect(agent.headers['content-type']).toContain('application/problem+json');
  });
});
