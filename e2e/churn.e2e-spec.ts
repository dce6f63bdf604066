import { bearer, eventually, stackInfo } from '@rapport/testing';
import request from 'supertest';

const DAY = 86_400_000;

/**
 * The churn warning end to end, as a department sees it: a customer whose purchases lie a year back
 * (recorded through the API) is assessed by analytics, published at risk in customer.scored, and
 * customer-profile moves them to at_risk; analytics' view names why.
 */
describe('churn warning through the gateway', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let agent: string;
  let analyst: string;

  beforeAll(async () => {
    [agent, analyst] = await Promise.all([bearer('agent1'), bearer('analyst')]);
  });

  it('a lapsing customer becomes at_risk, with the drivers named', async () => {
    const created = await gateway()
      .post('/api/v1/customers')
      .set('authorization', agent)
      .send({ name: '流失预警 测试' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    for (const [i, daysAgo] of [400, 380].entries()) {
      await gateway()
        .post(`/api/v1/customers/${id}/purchases`)
        .set('authorization', agent)
        .send({
          externalOrderId: `CHURN-${id.slice(0, 8)}-${i}`,
          currency: 'CNY',
          channel: 'store',
          occurredAt: new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 19) + 'Z',
          lines: [{ sku: 'TEA-001', name: '龙井', category: 'tea', quantity: 1, unitPrice: 88 }],
        })
        .expect(201);
    }
    // customer-profile moves the customer on the risk analytics published last; the first purchase's
    // assessment may be replaced by the second's (or by a model another test fitted), so wait for the two
    // services to agree on the latest one.
    const { lifecycle, view } = await eventually(
      async () => {
        const stage = await gateway().get(`/api/v1/customers/${id}/lifecycle`).set('authorization', agent).expect(200);
        if (stage.body.stage !== 'at_risk') return undefined;
        const scores = await gateway().get(`/api/v1/analytics/customers/${id}`).set('authorization', analyst);
        if (scores.status !== 200 || Math.abs(scores.body.churn.risk - stage.body.churnRisk) > 1e-4) return undefined;
        // both purchases in (the second is the last one, 380 days back)
        if (!String(scores.body.churn.drivers[0]?.detail).includes('380 days')) return undefined;
        return { lifecycle: stage.body, view: scores };
      },
      60_000,
      'the customer to be at_risk on the risk analytics shows',
    );
    expect(lifecycle.churnRisk).toBeGreaterThanOrEqual(0.7);
    expect(view.body.churn).toMatchObject({ atRisk: true, threshold: 0.7 });
    expect(view.body.churn.drivers[0]).toMatchObject({ driver: 'p-alive' });
    expect(view.body.churn.drivers[0].detail).toContain('380 days since the last purchase');
  });

  it('reports the backtest through the gateway, and refuses a horizon that is not over', async () => {
    const asOf = new Date(Date.now() - 120 * DAY).toISOString().slice(0, 19) + 'Z';
    const response = await gateway()
      .get('/api/v1/analytics/models/churn/evaluation')
      .query({ asOf, horizonDays: 90 })
      .set('authorization', analyst)
      .expect(200);
    expect(response.body).toMatchObject({ horizonDays: 90, threshold: 0.7 });
    expect(response.body.baseline).toHaveProperty('precision');
    await gateway()
      .get('/api/v1/analytics/models/churn/evaluation')
      .query({ asOf: new Date().toISOString().slice(0, 19) + 'Z' })
      .set('authorization', analyst)
      .expect(422);
    // bad input: 400 naming the parameter
    for (const query of [
      { asOf: 'yesterday' },
      {},
      { asOf, horizonDays: 0 },
      { asOf, horizonDays: 731 },
      { asOf, horizonDays: 2.5 },
    ]) {
      const bad = await gateway()
        .get('/api/v1/analytics/models/churn/evaluation')
        .query(query)
        .set('authorization', analyst)
        .expect(400);
      expect(JSON.stringify(bad.body)).toContain('horizonDays' in query ? 'horizonDays' : 'asOf');
    }
    // agents hold no analytics:read
    await gateway()
      .get('/api/v1/analytics/models/churn/evaluation')
      .query({ asOf, horizonDays: 90 })
      .set('authorization', agent)
      .expect(403);
  });
});
