import { randomUUID } from 'node:crypto';
import { ChurnRiskRaisedV1, CustomerScoredV1, fromBinaryMode, Topics, type EventData } from '@rapport/contracts';
import {
  closeServiceTestClients,
  collectRecords,
  eventually,
  handledBy,
  openServiceTestClients,
  startServiceInProcess,
  TEST_CALLERS,
  type InProcessService,
  type ServiceTestClients,
} from '@rapport/testing';
import { publishPurchaseEvents, purchaseRecorded } from '../../test/factories/purchase-events';
import { AppModule } from '../app.module';
import { ClvService } from '../clv/clv.service';
import { RfmService } from '../rfm/rfm.service';
import { assessChurn } from './churn.model';
import { ChurnRepository } from './churn.repository';

const DAY = 86_400_000;

/**
 * The churn warning on the real broker: a customer whose purchases lie a year back is assessed when
 * the purchase events arrive (the stack's analytics consumes them), crosses the threshold and raises
 * churn.risk-raised once; a new purchase brings the risk down in customer.scored. A full run by an
 * in-process replica computes the same risk in SQL as churn.model does in TypeScript.
 */
describe('churn warning', () => {
  let clients: ServiceTestClients;
  let replica: InProcessService;
  const saved = { ...process.env };

  beforeAll(async () => {
    clients = await openServiceTestClients();
    process.env['ANALYTICS_SCORING_INTERVAL_MS'] = '1';
    process.env['ANALYTICS_SCORING_TICK_MS'] = '0';
    replica = await startServiceInProcess('analytics', AppModule);
  });
  afterAll(async () => {
    await replica?.stop();
    process.env = saved;
    await closeServiceTestClients(clients);
  });

  const records = (customerId: string) =>
    collectRecords(
      clients.bus,
      Topics.scores.name,
      (r) => r.key === customerId && Number(r.timestamp) >= Date.now() - 1000,
    );
  type Recorded = { headers: Parameters<typeof fromBinaryMode>[0]; value: Parameters<typeof fromBinaryMode>[1] };
  const ofType = <T>(list: Recorded[], type: string): T[] =>
    list
      .map((r) => fromBinaryMode(r.headers, r.value))
      .filter((e) => e.type === type)
      .map((e) => e.data as T);

  it('raises churn.risk-raised once when a lapsed customer crosses the threshold, and a purchase brings the risk down', async () => {
    const customerId = randomUUID();
    const events = await records(customerId);
    try {
      const now = Date.now();
      const first = purchaseRecorded(customerId, '120.00', new Date(now - 400 * DAY));
      const second = purchaseRecorded(customerId, '80.00', new Date(now - 380 * DAY));
      await publishPurchaseEvents(clients.producer, first, second);
      await handledBy(clients.db, 'analytics', second);
      await eventually(
        async () => ofType(events.records, ChurnRiskRaisedV1.type).length >= 1,
        30_000,
        'churn.risk-raised',
      );
      const [raised] = ofType<EventData<typeof ChurnRiskRaisedV1>>(events.records, ChurnRiskRaisedV1.type);
      expect(ChurnRiskRaisedV1.schema.safeParse(raised).success).toBe(true);
      expect(raised).toMatchObject({ customerId, threshold: 0.7 });
      expect(raised!.churnRisk).toBeGreaterThanOrEqual(0.7);
      expect(raised!.drivers[0]).toMatchObject({ driver: 'p-alive' });
      // raised by the first purchase already: one purchase 400 days ago, P(alive) e^(−310/90) by recency
      expect(raised!.drivers[0]!.detail).toContain('400 days since the last purchase');
      expect(raised!.previousRisk).toBeNull();

      // still lapsed: another old purchase keeps the risk above, and nothing is raised again
      const third = purchaseRecorded(customerId, '60.00', new Date(now - 370 * DAY));
      await publishPurchaseEvents(clients.producer, third);
      await handledBy(clients.db, 'analytics', third);
      // customer.scored carries the same risk the customer view shows
      const view = await replica
        .http()
        .get(`/internal/v1/scores/${customerId}`)
        .set(await replica.as(TEST_CALLERS.analyst))
        .expect(200);
      expect(view.body.churn).toMatchObject({ atRisk: true, threshold: 0.7, daysSinceLastPurchase: 370 });

      // back: a purchase today, the risk falls below the threshold and customer.scored tells customer-profile
      const today = purchaseRecorded(customerId, '99.00');
      await publishPurchaseEvents(clients.producer, today);
      await handledBy(clients.db, 'analytics', today);
      await eventually(
        async () =>
          ofType<EventData<typeof CustomerScoredV1>>(events.records, CustomerScoredV1.type).some(
            (s) => s.churnRisk < 0.7,
          ),
        30_000,
        'customer.scored with a lower risk',
      );
      expect(ofType(events.records, ChurnRiskRaisedV1.type)).toHaveLength(1);
    } finally {
      await events.stop();
    }
  });

  it('computes the same risk in the full run (SQL) as churn.model does (TypeScript)', async () => {
    const customerId = randomUUID();
    const now = Date.now();
    const purchases = [200, 150, 40].map((daysAgo) =>
      purchaseRecorded(customerId, '50.00', new Date(now - daysAgo * DAY)),
    );
    await publishPurchaseEvents(clients.producer, ...purchases);
    await handledBy(clients.db, 'analytics', purchases.at(-1)!);
    const at = new Date();
    let ran = false;
    for (let attempt = 0; attempt < 50 && !ran; attempt++) {
      ran = (await replica.app.get(RfmService).runIfDue(at)).ran;
      if (!ran) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(ran).toBe(true);
    const repository = replica.app.get(ChurnRepository);
    const stored = await repository.find(null, customerId);
    const history = await repository.history(null, customerId, at);
    const models = await replica.app.get(ClvService).currentModels();
    const expected = assessChurn(history!, await repository.activity(null, customerId), models?.fit.bgnbd ?? null, at);
    expect(stored!.computedAt.toISOString()).toBe(at.toISOString());
    expect(stored!.risk).toBeCloseTo(expected.risk, 9);
    expect(stored!.pAlive).toBeCloseTo(expected.pAlive, 9);
    expect(stored!.method).toBe(expected.method);
    expect(stored!.drivers.map((d) => [d.driver, d.detail])).toEqual(expected.drivers.map((d) => [d.driver, d.detail]));
  });

  it('evaluates itself on a past date: precision, recall and lift over the longest-since-purchase baseline', async () => {
    const asOf = new Date(Date.now() - 200 * DAY).toISOString();
    const response = await replica
      .http()
      .get(`/internal/v1/models/churn/evaluation?asOf=${encodeURIComponent(asOf)}&horizonDays=90`)
      .set(await replica.as(TEST_CALLERS.analyst))
      .expect(200);
    expect(response.body).toMatchObject({ horizonDays: 90, threshold: 0.7, signalsUsed: ['p-alive'] });
    expect(response.body.customers).toBeGreaterThan(0);
    expect(response.body.baseline.rule).toContain('longest since the last purchase');
    // a horizon that is not over yet cannot be scored
    const future = await replica
      .http()
      .get(
        `/internal/v1/models/churn/evaluation?asOf=${encodeURIComponent(new Date().toISOString().slice(0, 19) + 'Z')}`,
      )
      .set(await replica.as(TEST_CALLERS.analyst))
      .expect(422);
    expect(future.body).toMatchObject({ code: 'churn-horizon-not-over' });
  });
});
