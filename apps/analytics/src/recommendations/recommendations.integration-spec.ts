import { randomUUID } from 'node:crypto';
import {
  adminClient,
  closeServiceTestClients,
  handledBy,
  openServiceTestClients,
  startServiceInProcess,
  TEST_CALLERS,
  type InProcessService,
  type ServiceTestClients,
} from '@rapport/testing';
import type { Client } from 'pg';
import { basketRecorded, publishPurchaseEvents, purchaseRefunded } from '../../test/factories/purchase-events';
import { AppModule } from '../app.module';
import { evaluate, type Basket } from './recommendations.model';
import { RecommendationsService } from './recommendations.service';

/**
 * Recommendations from customer-profile's purchase events on the real broker (the purchase ledger of
 * the stack's analytics takes them) and an in-process analytics replica building the model against the
 * same database. The SKUs are this run's own, so their counts are the test's whatever else the
 * database holds: n(A) = 3, n(B) = 3, n(C) = 2, n(D) = 1, c(A,B) = 2, c(A,C) = 2, c(B,C) = 1,
 * c(B,D) = 1 (the unit spec's example), a fully refunded {A, D} not counting.
 */
describe('recommendations', () => {
  let clients: ServiceTestClients;
  let db: Client;
  let replica: InProcessService;
  const saved = { ...process.env };
  const tag = randomUUID().slice(0, 8);
  const sku = (name: string) => `IT-${tag}-${name}`;
  const [A, B, C, D] = ['A', 'B', 'C', 'D'].map(sku) as [string, string, string, string];
  const u1 = randomUUID();
  const u2 = randomUUID();
  const u3 = randomUUID();
  const refunder = randomUUID();
  const day = (n: number) => new Date(Date.now() - n * 86_400_000);

  beforeAll(async () => {
    clients = await openServiceTestClients();
    db = await adminClient();
    // This replica builds only when told; a build on request waits for its end (no 202 here).
    process.env['ANALYTICS_RECOMMENDATIONS_INTERVAL_MS'] = '3600000';
    process.env['ANALYTICS_RECOMMENDATIONS_TICK_MS'] = '0';
    process.env['ANALYTICS_RECOMMENDATIONS_BUILD_WAIT_MS'] = '60000';
    replica = await startServiceInProcess('analytics', AppModule);

    const refunded = basketRecorded(refunder, [A, D], day(7));
    const events = [
      basketRecorded(u1, [A, B], day(10)),
      basketRecorded(u1, [A, C, C], day(5)),
      basketRecorded(u2, [A, B, C], day(9)),
      basketRecorded(u3, [B, D], day(8)),
      refunded,
      purchaseRefunded(refunder, refunded.data.purchaseId, refunded.data.totalBase),
    ];
    await publishPurchaseEvents(clients.producer, ...events);
    for (const event of events) await handledBy(clients.db, 'analytics', event);
  });
  afterAll(async () => {
    await replica?.stop();
    process.env = saved;
    await db?.end();
    await closeServiceTestClients(clients);
  });

  const http = async (method: 'get' | 'post', path: string) =>
    replica
      .http()
      [method](path)
      .set(await replica.as(TEST_CALLERS.analyst));
  /** A build on request by this replica (again while the stack's own replica holds the lock for its build). */
  const build = async () => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const answer = await http('post', '/internal/v1/recommendations/builds');
      if (answer.status !== 409) return answer;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('no build happened');
  };
  const recommendationsOf = async (customerId: string, query = '') => {
    const answer = await http('get', `/internal/v1/recommendations/customers/${customerId}${query}`);
    expect(answer.status).toBe(200);
    return answer.body;
  };

  it('builds the model and recommends by summed cosine with the SKUs that drove each', async () => {
    const built = await build();
    expect(built.status).toBe(201);
    expect(built.body).toMatchObject({
      status: 'finished',
      trigger: 'request',
      settings: { neighbours: 50, minCoCount: 1, k: 10, evalCustomers: 20_000 },
    });

    // u3 bought B and D: A by cos(A,B) = 2/3 and C by cos(B,C) = 1/sqrt(6), both through B.
    const u3View = await recommendationsOf(u3);
    expect(u3View).toMatchObject({
      customerId: u3,
      basis: 'co-occurrence',
      excludePurchased: true,
      baskets: 1,
      purchasedSkus: [B, D],
      model: { buildId: built.body.buildId },
    });
    expect(u3View.items).toEqual([
      {
        sku: A,
        score: 0.666667,
        reason: `bought with ${B} in 2 baskets`,
        because: [{ sku: B, baskets: 2, cosine: 0.666667 }],
      },
      {
        sku: C,
        score: 0.408248,
        reason: `bought with ${B} in 1 basket`,
        because: [{ sku: B, baskets: 1, cosine: 0.408248 }],
      },
    ]);

    // Keeping what they bought: B through D (1/sqrt(3)) ties D through B, B first by SKU.
    const kept = await recommendationsOf(u3, '?exclude=none&k=3');
    expect(kept.items.map((i: { sku: string; score: number }) => [i.sku, i.score])).toEqual([
      [A, 0.666667],
      [B, 0.57735],
      [D, 0.57735],
    ]);

    // u1 bought A, B, C (C twice in one basket counts once): only D is left, through B.
    const u1View = await recommendationsOf(u1);
    expect(u1View).toMatchObject({ baskets: 2, purchasedSkus: [A, B, C] });
    expect(u1View.items).toEqual([
      {
        sku: D,
        score: 0.57735,
        reason: `bought with ${B} in 1 basket`,
        because: [{ sku: B, baskets: 1, cosine: 0.57735 }],
      },
    ]);
  });

  it('leaves out a fully refunded purchase: its buyer gets the popularity list, saying so', async () => {
    await build();
    const view = await recommendationsOf(refunder, '?k=3');
    expect(view).toMatchObject({ basis: 'popularity', baskets: 0, purchasedSkus: [] });
    expect(view.note).toContain('No purchases on record');
    // u2 bought A, B, C; kept: A = cos(A,C) + cos(A,B), C = cos(A,C) + cos(B,C), B = cos(A,B) + cos(B,C),
    // D = cos(B,D) through B only: the refunded {A, D} is no basket, so D is no neighbour of A.
    const u2View = await recommendationsOf(u2, '?exclude=none&k=50');
    expect(u2View.items.map((i: { sku: string; score: number }) => [i.sku, i.score])).toEqual([
      [A, 1.483163],
      [C, 1.224745],
      [B, 1.074915],
      [D, 0.57735],
    ]);
    expect(u2View.items[0].reason).toBe(`bought with ${C} in 2 baskets, ${B} in 2 baskets`);
    expect(u2View.items[3].because).toEqual([{ sku: B, baskets: 1, cosine: 0.57735 }]);
  });

  it('answers 404 for a customer analytics never heard of, 400 for a bad k, 403 for a build without analytics:write', async () => {
    const unknown = await http('get', `/internal/v1/recommendations/customers/${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'customer-not-found' });
    for (const query of ['?k=0', '?k=51', '?k=1.5', '?exclude=all']) {
      const bad = await http('get', `/internal/v1/recommendations/customers/${u1}${query}`);
      expect(bad.status).toBe(400);
    }
    // a manager reads recommendations (analytics:read) but may not replace the model
    const asManager = await replica.as(TEST_CALLERS.manager);
    expect((await replica.http().get(`/internal/v1/recommendations/customers/${u1}`).set(asManager)).status).toBe(200);
    const refused = await replica.http().post('/internal/v1/recommendations/builds').set(asManager);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      type: expect.stringMatching(/\/forbidden$/),
      detail: 'Missing scope: analytics:write',
    });
  });

  it('evaluates each build as the reference model does over the same baskets', async () => {
    const built = await build();
    const evaluation = await http('get', '/internal/v1/recommendations/evaluation');
    expect(evaluation.status).toBe(200);
    expect(evaluation.body.buildId).toBe(built.body.buildId);
    expect(evaluation.body).toEqual(built.body.evaluation);

    // The reference (recommendations.model, checked by hand in its unit spec) over every basket in the
    // database, read here with a query of the test's own.
    const { rows } = await db.query(
      `SELECT p.purchase_id, p.customer_id, p.occurred_at, array_agg(l.sku) AS skus
       FROM analytics.purchases p JOIN analytics.purchase_lines l USING (purchase_id)
       WHERE NOT (p.refunded_base > 0 AND p.refunded_base >= p.total_base)
       GROUP BY p.purchase_id`,
    );
    const baskets: Basket[] = rows.map((r) => ({
      purchaseId: r.purchase_id,
      customerId: r.customer_id,
      occurredAt: r.occurred_at,
      skus: r.skus,
    }));
    expect(built.body.baskets).toBe(baskets.length);
    const expected = evaluate(baskets, { k: 10, neighbours: 50, minCoCount: 1, maxCustomers: 20_000 });
    expect(evaluation.body).toMatchObject({
      k: 10,
      customersEligible: expected.customersEligible,
      customersWithHoldout: expected.customersWithHoldout,
      customersEvaluated: expected.customersEvaluated,
      customersSkipped: expected.customersSkipped,
      trainingBaskets: expected.trainingBaskets,
      model: { hits: expected.model.hits },
      baseline: { hits: expected.baseline.hits },
    });
    expect(evaluation.body.model.hitRate).toBeCloseTo(expected.model.hitRate, 5);
    expect(evaluation.body.model.ndcg).toBeCloseTo(expected.model.ndcg, 5);
    expect(evaluation.body.baseline.hitRate).toBeCloseTo(expected.baseline.hitRate, 5);
    expect(evaluation.body.baseline.ndcg).toBeCloseTo(expected.baseline.ndcg, 5);
    // u1 is among them: last basket {A, C} held out, C new to them
    expect(expected.customersEvaluated).toBeGreaterThanOrEqual(1);
  });

  it('builds once across replicas: 409 while another holds the build, and a scheduled build only when due', async () => {
    const holder = await adminClient();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtext('rapport.analytics.recommendation-build'))`);
      const refused = await http('post', '/internal/v1/recommendations/builds');
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'build-in-progress' });
      expect(await replica.app.get(RecommendationsService).build('schedule', new Date())).toEqual({
        built: false,
        reason: 'another replica is building',
      });
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await build();
    // The last build started a moment ago; the interval here is an hour.
    expect(await replica.app.get(RecommendationsService).build('schedule', new Date())).toEqual({
      built: false,
      reason: 'not due',
    });
  });
});
