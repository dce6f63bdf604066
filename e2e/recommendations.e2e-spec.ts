import { randomUUID } from 'node:crypto';
import { bearer, customerRequest, eventually, stackInfo } from '@rapport/testing';
import request from 'supertest';

/**
 * Recommendations through the gateway, from purchases recorded through the gateway: customer-profile
 * publishes purchase.recorded, analytics' purchase ledger takes it, a model build on request counts the
 * baskets, and an analyst reads a customer's recommendations with their reason and the build's
 * evaluation. The SKUs are this run's own, so the counts are the test's.
 */
describe('recommendations through the gateway', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  const tag = randomUUID().slice(0, 8).toUpperCase();
  const sku = (name: string) => `E2E-${tag}-${name}`;
  let agent1: string;
  let analyst: string;

  beforeAll(async () => {
    [agent1, analyst] = await Promise.all([bearer('agent1'), bearer('analyst')]);
  });

  const customer = async (): Promise<string> => {
    const created = await gateway().post('/api/v1/customers').set('authorization', agent1).send(customerRequest());
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  const buy = async (customerId: string, daysAgo: number, ...skus: string[]) => {
    await gateway()
      .post(`/api/v1/customers/${customerId}/purchases`)
      .set('authorization', agent1)
      .send({
        externalOrderId: `SO-${randomUUID()}`,
        currency: 'CNY',
        channel: 'store',
        occurredAt: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
        lines: skus.map((s) => ({ sku: s, name: s, category: 'tea', quantity: 1, unitPrice: 10 })),
      })
      .expect(201);
  };
  /**
   * Builds on request and waits until the evaluation shows that build (202 when it takes long); false
   * when a scheduled build was running (409), to be asked again.
   */
  const build = async (): Promise<boolean> => {
    const answer = await gateway().post('/api/v1/analytics/recommendations/builds').set('authorization', analyst);
    if (answer.status === 409) return false;
    expect([201, 202]).toContain(answer.status);
    const buildId = answer.body.buildId as string;
    await eventually(
      async () =>
        (await gateway().get('/api/v1/analytics/recommendations/evaluation').set('authorization', analyst)).body
          .buildId === buildId,
      60_000,
      'the build to finish',
    );
    return true;
  };
  /** The customer's baskets as analytics has them now (a first build when there is no model yet). */
  const basketsOf = async (customerId: string): Promise<number | undefined> => {
    const answer = await gateway()
      .get(`/api/v1/analytics/customers/${customerId}/recommendations`)
      .set('authorization', analyst);
    if (answer.status === 409) await build();
    return answer.status === 200 ? (answer.body.baskets as number) : undefined;
  };

  it('recommends what is bought with the customer’s SKUs, says why, and reports the evaluation beside the baseline', async () => {
    // Baskets {POT, CUP}, {POT, CUP, TEA}, and the reader's {POT}: n(POT) = 3, n(CUP) = 2, n(TEA) = 1,
    // c(POT, CUP) = 2, c(POT, TEA) = 1; cos(POT, CUP) = 2/sqrt(6), cos(POT, TEA) = 1/sqrt(3).
    const [a, b, reader] = [await customer(), await customer(), await customer()];
    await buy(a, 3, sku('POT'), sku('CUP'));
    await buy(b, 2, sku('POT'), sku('CUP'), sku('TEA'));
    await buy(reader, 1, sku('POT'));
    const url = `/api/v1/analytics/customers/${reader}/recommendations`;
    await eventually(
      async () => (await basketsOf(a)) === 1 && (await basketsOf(b)) === 1 && (await basketsOf(reader)) === 1,
      60_000,
      'analytics to have the three purchases',
    );
    await eventually(build, 60_000, 'a build of its own');
    const body = (await gateway().get(`${url}?k=5`).set('authorization', analyst).expect(200)).body;
    expect(body).toMatchObject({
      customerId: reader,
      k: 5,
      excludePurchased: true,
      baskets: 1,
      purchasedSkus: [sku('POT')],
      items: [
        {
          sku: sku('CUP'),
          score: Number((2 / Math.sqrt(6)).toFixed(6)),
          reason: `bought with ${sku('POT')} in 2 baskets`,
          because: [{ sku: sku('POT'), baskets: 2 }],
        },
        {
          sku: sku('TEA'),
          score: Number((1 / Math.sqrt(3)).toFixed(6)),
          reason: `bought with ${sku('POT')} in 1 basket`,
        },
      ],
    });

    const withOwn = await gateway().get(`${url}?k=1&exclude=none`).set('authorization', analyst).expect(200);
    expect(withOwn.body.items.map((i: { sku: string }) => i.sku)).toEqual([sku('CUP')]);

    const evaluation = await gateway()
      .get('/api/v1/analytics/recommendations/evaluation')
      .set('authorization', analyst);
    expect(evaluation.status).toBe(200);
    expect(evaluation.body).toMatchObject({
      k: expect.any(Number),
      customersEvaluated: expect.any(Number),
      builtAt: expect.any(String),
      model: { hitRate: expect.any(Number), ndcg: expect.any(Number) },
      baseline: { hitRate: expect.any(Number), ndcg: expect.any(Number) },
    });
  });

  it('gives a customer who bought nothing the most bought SKUs, saying so', async () => {
    const id = await customer();
    await eventually(async () => (await basketsOf(id)) === 0, 30_000, 'analytics to learn of the customer');
    const answer = await gateway()
      .get(`/api/v1/analytics/customers/${id}/recommendations?k=3`)
      .set('authorization', analyst);
    expect(answer.body).toMatchObject({
      basis: 'popularity',
      baskets: 0,
      note: expect.stringContaining('No purchases'),
    });
    const scores = (answer.body.items as Array<{ score: number }>).map((i) => i.score);
    expect(scores.length).toBeLessThanOrEqual(3);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
  });

  it('answers problems: bad k or exclude, an unknown customer, no token, and a role without analytics:read', async () => {
    const id = randomUUID();
    for (const query of ['k=0', 'k=51', 'k=2.5', 'k=ten', 'exclude=everything']) {
      const bad = await gateway()
        .get(`/api/v1/analytics/customers/${id}/recommendations?${query}`)
        .set('authorization', analyst);
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
    }
    expect(
      (await gateway().get('/api/v1/analytics/customers/not-a-uuid/recommendations').set('authorization', analyst))
        .status,
    ).toBe(400);
    const unknown = await gateway()
      .get(`/api/v1/analytics/customers/${id}/recommendations`)
      .set('authorization', analyst);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'customer-not-found' });

    for (const [method, path] of [
      ['get', `/api/v1/analytics/customers/${id}/recommendations`],
      ['get', '/api/v1/analytics/recommendations/evaluation'],
      ['post', '/api/v1/analytics/recommendations/builds'],
    ] as const) {
      expect((await gateway()[method](path)).status).toBe(401);
      const agent = await gateway()[method](path).set('authorization', agent1);
      expect(agent.status).toBe(403);
      expect(agent.headers['content-type']).toContain('application/problem+json');
    }
    // a manager reads the evaluation (analytics:read) but may not replace the model (analytics:write)
    const manager = await bearer('manager');
    await gateway().get('/api/v1/analytics/recommendations/evaluation').set('authorization', manager).expect(200);
    await gateway().post('/api/v1/analytics/recommendations/builds').set('authorization', manager).expect(403);
  });
});
