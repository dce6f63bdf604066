import { randomUUID } from 'node:crypto';
import type { ForecastSeriesView, ForecastView } from '@rapport/contracts';
import {
  bearer,
  closeServiceTestClients,
  handledBy,
  openServiceTestClients,
  startServiceInProcess,
  stackInfo,
  TEST_CALLERS,
  type InProcessService,
  type ServiceTestClients,
} from '@rapport/testing';
import request from 'supertest';
import { purchaseWithLines, refundAt } from '../../test/factories/ledger-purchases';
import { publishPurchaseEvents } from '../../test/factories/purchase-events';
import { AppModule } from '../app.module';

/**
 * Forecasts over purchases customer-profile published (on the real broker; the stack's analytics fills
 * the purchase ledger from them), asked through the internal API of an in-process replica and through
 * the gateway. The history lies in 2011–2013, where nothing else in the fresh test stack buys, and the
 * channel and categories are this run's own, so every expected figure below is a hand count of the
 * purchases published here.
 */
describe('forecasts', () => {
  let clients: ServiceTestClients;
  let analytics: InProcessService;
  const run = randomUUID().slice(0, 8);
  const channel = `fc-${run}`;
  const [catA, catB] = [`fc-a-${run}`, `fc-b-${run}`];
  const TO = '2013-07-01T00:00:00+08:00'; // a Monday: the last complete week and month end with June
  const MONTHS = 30; // 2011-01 … 2013-06
  const monthOf = (i: number) => `${2011 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
  const mid = (i: number) => `${monthOf(i)}-15T12:00:00+08:00`;

  /** Revenue of month i, overall, by hand (see the purchases published in beforeAll). */
  const overallRevenue = (i: number) =>
    100 +
    10 * i +
    (i % 2 === 0 ? 50 : 0) +
    (i === 16 ? 100 : 0) -
    (i === 14 ? 30 : 0) -
    (i === 17 ? 50 : 0) +
    (i === 29 ? 7 : 0) +
    (i === 12 ? 25 : 0);
  const channelRevenue = (i: number) => overallRevenue(i) - (i === 12 ? 25 : 0);
  const categoryARevenue = (i: number) =>
    100 + 10 * i + (i === 16 ? 40 : 0) - (i === 14 ? 30 : 0) - (i === 17 ? 20 : 0) + (i === 29 ? 7 : 0);
  const categoryBRevenue = (i: number) => (i % 2 === 0 ? 50 : 0) + (i === 16 ? 60 : 0) - (i === 17 ? 30 : 0);
  const categoryAOrders = (i: number) => 1 + (i === 16 ? 1 : 0) + (i === 29 ? 1 : 0);
  const categoryBOrders = (i: number) => (i % 2 === 0 ? 1 : 0) + (i === 16 ? 1 : 0);
  const months = Array.from({ length: MONTHS }, (_, i) => i);

  beforeAll(async () => {
    clients = await openServiceTestClients();
    analytics = await startServiceInProcess('analytics', AppModule);
    const customerId = randomUUID(); // one customer: one partition, handled in this order
    const monthly = months.map((i) =>
      purchaseWithLines(customerId, mid(i), channel, [{ category: catA, total: `${100 + 10 * i}.00` }]),
    );
    const evenB = months
      .filter((i) => i % 2 === 0)
      .map((i) => purchaseWithLines(customerId, mid(i), channel, [{ category: catB, total: '50.00' }]));
    // 2012-05: one purchase across both categories; refunded by half in 2012-06 (A 20, B 30 by line share)
    const mixed = purchaseWithLines(customerId, '2012-05-20T10:00:00+08:00', channel, [
      { category: catA, total: '40.00' },
      { category: catB, total: '60.00' },
    ]);
    const mixedRefund = refundAt(customerId, mixed.data.purchaseId, '50.00', '2012-06-10T10:00:00+08:00', 0.5);
    // 2012-03: 30 of that month's purchase refunded
    const refund = refundAt(customerId, monthly[14]!.data.purchaseId, '30.00', '2012-03-20T10:00:00+08:00', 0.2);
    // 2012-01: no channel, no category
    const anonymous = purchaseWithLines(customerId, '2012-01-05T10:00:00+08:00', undefined, [{ total: '25.00' }]);
    // the edges of `to` in Shanghai: 30 June 23:30 is in; 1 July 00:30 (still 30 June in UTC) is out
    const lastIn = purchaseWithLines(customerId, '2013-06-30T23:30:00+08:00', channel, [
      { category: catA, total: '7.00' },
    ]);
    const firstOut = purchaseWithLines(customerId, '2013-07-01T00:30:00+08:00', channel, [
      { category: catA, total: '1000.00' },
    ]);
    // after `to`: a big purchase and a refund of June's purchase
    const later = purchaseWithLines(customerId, '2013-08-15T12:00:00+08:00', channel, [
      { category: catA, total: '99999.00' },
    ]);
    const laterRefund = refundAt(customerId, monthly[29]!.data.purchaseId, '40.00', '2013-07-20T10:00:00+08:00', 0.1);
    const all = [...monthly, ...evenB, mixed, mixedRefund, refund, anonymous, lastIn, firstOut, later, laterRefund];
    await publishPurchaseEvents(clients.producer, ...all);
    await handledBy(clients.db, 'analytics', all.at(-1)!);
  });
  afterAll(async () => {
    await analytics?.stop();
    await closeServiceTestClients(clients);
  });

  const post = async (body: Record<string, unknown>, caller = TEST_CALLERS.analyst) =>
    analytics
      .http()
      .post('/internal/v1/forecasts')
      .set(await analytics.as(caller))
      .send(body);
  const create = async (body: Record<string, unknown>): Promise<ForecastView> => {
    const response = await post(body);
    expect([response.status, response.body.detail]).toEqual([201, undefined]);
    return response.body as ForecastView;
  };
  const seriesOf = (view: ForecastView, key: string): ForecastSeriesView => {
    const found = view.series.find((s) => s.key === key);
    if (!found) throw new Error(`no series ${key} among ${view.series.map((s) => s.key).join(', ')}`);
    return found;
  };
  const historyOf = (s: ForecastSeriesView) => s.history.map((p) => [p.periodStart, p.value]);
  const expectedHistory = (value: (i: number) => number, from = 0) =>
    months.slice(from).map((i) => [`${monthOf(i)}-01`, value(i)]);

  it('forecasts monthly revenue from the history up to `to`, net of refunds, with its backtest against seasonal naive', async () => {
    const view = await create({ measure: 'revenue', granularity: 'month', horizon: 6, to: TO });
    expect(view).toMatchObject({
      measure: 'revenue',
      granularity: 'month',
      horizon: 6,
      by: null,
      timeZone: 'Asia/Shanghai',
    });
    expect(view.to).toBe('2013-06-30T16:00:00.000Z'); // 1 July 00:00 in Shanghai
    expect(view.series).toHaveLength(1);
    const s = seriesOf(view, 'all');
    expect(historyOf(s)).toEqual(expectedHistory(overallRevenue));
    expect(s.forecast.map((p) => p.periodStart)).toEqual([
      '2013-07-01',
      '2013-08-01',
      '2013-09-01',
      '2013-10-01',
      '2013-11-01',
      '2013-12-01',
    ]);
    for (const p of s.forecast) expect(p.lower!).toBeLessThanOrEqual(p.upper!);

    // 30 months ≥ two seasons and one: the seasonal models, seasonal naive as the baseline
    expect(s).toMatchObject({ mode: 'seasonal', seasonLength: 12, baseline: 'seasonal-naive' });
    const rows = s.backtest!.rows;
    expect(rows.map((r) => r.model)).toEqual(['seasonal-naive', 'holt-winters', 'combination']);
    for (const row of rows) expect([row.baselineMase, row.baselineSmape]).toEqual([rows[0]!.mase, rows[0]!.smape]);
    // origins: 30 − 24 − 6 + 1 = 1
    expect(s.backtest).toMatchObject({ origins: 1, horizon: 6 });
    if (s.chosenModel === 'seasonal-naive') {
      expect(s.beatsBaseline).toBe(false);
      // the same months a year before
      expect(s.forecast.map((p) => p.point)).toEqual([18, 19, 20, 21, 22, 23].map(overallRevenue));
    } else {
      const chosen = rows.find((r) => r.model === s.chosenModel)!;
      expect(chosen.mase!).toBeLessThan(rows[0]!.mase!);
      expect(s.beatsBaseline).toBe(true);
    }

    // as it was made, later
    const again = await analytics
      .http()
      .get(`/internal/v1/forecasts/${view.id}`)
      .set(await analytics.as(TEST_CALLERS.analyst));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(view);
  });

  it('`to` decides the history: later purchases and refunds count only once `to` passes them', async () => {
    const before = seriesOf(
      await create({ measure: 'revenue', granularity: 'month', horizon: 1, by: 'channel', to: TO }),
      channel,
    );
    expect(historyOf(before)).toEqual(expectedHistory(channelRevenue));

    const after = seriesOf(
      await create({
        measure: 'revenue',
        granularity: 'month',
        horizon: 1,
        by: 'channel',
        to: '2013-09-01T00:00:00+08:00',
      }),
      channel,
    );
    // July: 1,000 bought, 40 refunded; August: 99,999
    expect(historyOf(after)).toEqual([...expectedHistory(channelRevenue), ['2013-07-01', 960], ['2013-08-01', 99999]]);
  });

  it('breaks revenue and orders down by category, a refund split by the purchase’s line totals', async () => {
    const revenue = await create({ measure: 'revenue', granularity: 'month', horizon: 3, by: 'category', to: TO });
    expect(historyOf(seriesOf(revenue, catA))).toEqual(expectedHistory(categoryARevenue));
    expect(historyOf(seriesOf(revenue, catB))).toEqual(expectedHistory(categoryBRevenue));
    // the purchase without a category, from its month (2012-01, month 12) on
    expect(historyOf(seriesOf(revenue, '(uncategorised)'))).toEqual(expectedHistory((i) => (i === 12 ? 25 : 0), 12));

    const orders = await create({ measure: 'orders', granularity: 'month', horizon: 3, by: 'category', to: TO });
    expect(historyOf(seriesOf(orders, catA))).toEqual(expectedHistory(categoryAOrders));
    expect(historyOf(seriesOf(orders, catB))).toEqual(expectedHistory(categoryBOrders));
    for (const s of orders.series) for (const p of s.forecast) expect(p.point).toBeGreaterThanOrEqual(0);
  });

  it('weekly with China’s holidays: the adjusted models are backtested and the report says whether they helped', async () => {
    const view = await create({
      measure: 'revenue',
      granularity: 'week',
      horizon: 8,
      by: 'channel',
      to: TO,
      holidays: true,
    });
    const s = seriesOf(view, channel);
    // 2011-01-15 is a Saturday: the first week starts on Monday 2011-01-10; the last ends on Sunday 2013-06-30
    expect(s.history[0]!.periodStart).toBe('2011-01-10');
    expect(s.history.at(-1)!.periodStart).toBe('2013-06-24');
    expect(s.history).toHaveLength(129);
    const total = s.history.reduce((sum, p) => sum + p.value, 0);
    expect(total).toBeCloseTo(
      months.reduce((sum, i) => sum + channelRevenue(i), 0),
      4,
    );
    expect(s.mode).toBe('seasonal');
    expect(s.holidays).toMatchObject({ requested: true, applied: true });
    expect(typeof s.holidays.improved).toBe('boolean');
    expect(s.backtest!.rows.map((r) => r.model)).toEqual([
      'seasonal-naive',
      'holt-winters',
      'combination',
      'seasonal-naive+holidays',
      'holt-winters+holidays',
      'combination+holidays',
    ]);
    expect(s.notes.some((n) => n.includes('holiday adjustment'))).toBe(true);
  });

  it('answers problems, never a 500', async () => {
    const expectProblem = async (body: Record<string, unknown>, status: number, code?: string) => {
      const response = await post(body);
      expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), status]);
      expect(response.headers['content-type']).toContain('application/problem+json');
      if (code) expect(response.body.code).toBe(code);
    };
    const good = { measure: 'revenue', granularity: 'month', horizon: 3, to: TO };
    await expectProblem({ ...good, horizon: 0 }, 400);
    await expectProblem({ ...good, horizon: 105 }, 400);
    await expectProblem({ ...good, horizon: 2.5 }, 400);
    await expectProblem({ ...good, measure: 'profit' }, 400);
    await expectProblem({ ...good, granularity: 'day' }, 400);
    await expectProblem({ ...good, by: 'sku' }, 400);
    await expectProblem({ ...good, to: '2013-07-01' }, 400);
    await expectProblem({ ...good, to: '2013-02-30T00:00:00Z' }, 400);
    await expectProblem({ ...good, holidays: 'yes' }, 400);
    await expectProblem({ ...good, extra: 1 }, 400);
    await expectProblem({ ...good, horizon: 25 }, 422, 'forecast-horizon-too-long');
    await expectProblem({ ...good, to: '2199-01-01T00:00:00Z' }, 422, 'forecast-to-in-future');
    await expectProblem({ ...good, holidays: true }, 422, 'forecast-holidays-need-weeks');
    await expectProblem({ ...good, to: '1990-01-01T00:00:00Z' }, 422, 'forecast-no-history');

    const analyst = await analytics.as(TEST_CALLERS.analyst);
    expect((await analytics.http().get(`/internal/v1/forecasts/${randomUUID()}`).set(analyst)).body).toMatchObject({
      status: 404,
      code: 'forecast-not-found',
    });
    expect((await analytics.http().get('/internal/v1/forecasts/not-a-uuid').set(analyst)).status).toBe(400);
    expect((await post(good, TEST_CALLERS.agent1)).status).toBe(403);
  });

  it('through the gateway: analytics:read creates and reads a forecast; no token, no forecast', async () => {
    const gateway = () => request(stackInfo().gatewayUrl);
    const analyst = await bearer('analyst');
    const created = await gateway()
      .post('/api/v1/analytics/forecasts')
      .set('authorization', analyst)
      .send({ measure: 'orders', granularity: 'month', horizon: 2, by: 'channel', to: TO });
    expect(created.status).toBe(201);
    const monthlyOrders = (i: number) => 1 + (i % 2 === 0 ? 1 : 0) + (i === 16 ? 1 : 0) + (i === 29 ? 1 : 0);
    expect(historyOf(seriesOf(created.body, channel))).toEqual(expectedHistory(monthlyOrders));
    const read = await gateway().get(`/api/v1/analytics/forecasts/${created.body.id}`).set('authorization', analyst);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect((await gateway().post('/api/v1/analytics/forecasts').send({ measure: 'orders' })).status).toBe(401);
    const agent = await bearer('agent1');
    expect(
      (await gateway().get(`/api/v1/analytics/forecasts/${created.body.id}`).set('authorization', agent)).status,
    ).toBe(403);
  });
});
