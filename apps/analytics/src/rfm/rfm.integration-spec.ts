import { randomUUID } from 'node:crypto';
import { CustomerScoredV1, fromBinaryMode, Topics, type EventData } from '@rapport/contracts';
import {
  adminClient,
  closeServiceTestClients,
  collectRecords,
  eventually,
  handledBy,
  openServiceTestClients,
  publishCustomerEvents,
  startServiceInProcess,
  TEST_CALLERS,
  type InProcessService,
  type ServiceTestClients,
} from '@rapport/testing';
import { customerMerged } from '../../test/factories/customer-events';
import { publishPurchaseEvents, purchaseRecorded, purchaseRefunded } from '../../test/factories/purchase-events';
import { AppModule } from '../app.module';
import { scoreCustomer, scoringCuts, recencyDays, type ScoringCuts } from './rfm.model';
import { RfmService, type RunOutcome, type ScoreView } from './rfm.service';

type Scored = EventData<typeof CustomerScoredV1>;

/**
 * analytics scoring customers from customer-profile's purchase events on the real broker (the stack's
 * analytics consumes them) and two in-process replicas running full scoring runs against the same
 * database. The replicas' own timers are off (tick 0) and a run is always due (interval 1 ms), so the
 * tests decide when runs happen.
 */
describe('RFM and value tiers', () => {
  let clients: ServiceTestClients;
  let replicas: InProcessService[];
  const saved = { ...process.env };

  beforeAll(async () => {
    clients = await openServiceTestClients();
    process.env['ANALYTICS_SCORING_INTERVAL_MS'] = '1';
    process.env['ANALYTICS_SCORING_TICK_MS'] = '0';
    replicas = [
      await startServiceInProcess('analytics', AppModule),
      await startServiceInProcess('analytics', AppModule),
    ];
  });
  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.stop();
    process.env = saved;
    await closeServiceTestClients(clients);
  });

  const rfm = (i = 0) => replicas[i]!.app.get(RfmService);
  const scoresOf = async (customerId: string) => {
    const response = await replicas[0]!
      .http()
      .get(`/internal/v1/scores/${customerId}`)
      .set(await replicas[0]!.as(TEST_CALLERS.analyst));
    return response;
  };
  const view = async (customerId: string): Promise<ScoreView> => {
    const response = await scoresOf(customerId);
    expect(response.status).toBe(200);
    return response.body as ScoreView;
  };
  /** customer.scored published from now on (the reader starts at the beginning of the topic). */
  const scoredEvents = (keys: string[] | null, since = Date.now()) =>
    collectRecords(
      clients.bus,
      Topics.scores.name,
      (r) => Number(r.timestamp) >= since && (keys === null || keys.includes(r.key ?? '')),
    );
  const dataOf = (record: {
    headers: Parameters<typeof fromBinaryMode>[0];
    value: Parameters<typeof fromBinaryMode>[1];
  }) => fromBinaryMode(record.headers, record.value).data as Scored;
  /** Cut points as the view shows them, back in the model's terms. */
  const cutsOf = (v: ScoreView): ScoringCuts => ({
    recencyDays: v.cutPoints.recencyDays as unknown as ScoringCuts['recencyDays'],
    frequency: v.cutPoints.frequency as unknown as ScoringCuts['frequency'],
    monetary: v.cutPoints.monetary.map(Number) as unknown as ScoringCuts['monetary'],
    tier: v.tier,
  });
  /** Runs until this process's replica did the run (the stack's own analytics may be in its first one). */
  const run = async (now = new Date()): Promise<Extract<RunOutcome, { ran: true }>> => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const outcome = await rfm().runIfDue(now);
      if (outcome.ran) return outcome;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('no full run happened');
  };

  it('scores a buyer from their purchases as the cut points give it, and publishes customer.scored', async () => {
    const customerId = randomUUID();
    const events = await scoredEvents([customerId]);
    const first = purchaseRecorded(customerId, '100.00', new Date(Date.now() - 3 * 86_400_000));
    const second = purchaseRecorded(customerId, '50.50');
    try {
      await publishPurchaseEvents(clients.producer, first, second);
      await handledBy(clients.db, 'analytics', second);
      const v = await view(customerId);
      expect(v.inputs).toEqual({
        recencyDays: 0,
        frequency: 2,
        monetary: '150.50',
        lastPurchaseAt: second.data.occurredAt,
      });
      expect(v.computedBy).toBe('incremental');
      // The hand computation: one more point for each cut point passed.
      const expected = scoreCustomer({ recencyDays: 0, frequency: 2, monetary: 150.5 }, cutsOf(v));
      expect({ recency: v.recency, frequency: v.frequency, monetary: v.monetary, valueTier: v.valueTier }).toEqual(
        expected,
      );
      await eventually(async () => events.records.length >= 1, 20_000, 'customer.scored');
      const last = dataOf(events.records.at(-1)!);
      // the churn feature's risk, as the view shows it; a customer who bought today is not at risk
      const { churn } = (await view(customerId)) as ScoreView & { churn: { risk: number } };
      expect(last).toMatchObject({ customerId, ...expected });
      expect(last.churnRisk).toBeCloseTo(churn.risk, 4);
      expect(last.churnRisk).toBeLessThan(0.7);
    } finally {
      await events.stop();
    }
  });

  it('nets a refund: the value drops and the tier follows', async () => {
    const customerId = randomUUID();
    const purchase = purchaseRecorded(customerId, '5000000.00');
    await publishPurchaseEvents(clients.producer, purchase);
    await handledBy(clients.db, 'analytics', purchase);
    // Far above every other customer: nothing is above them, so they are A whatever the cut.
    expect((await view(customerId)).valueTier).toBe('A');

    const events = await scoredEvents([customerId]);
    const refund = purchaseRefunded(customerId, purchase.data.purchaseId, '5000000.00');
    try {
      await publishPurchaseEvents(clients.producer, refund);
      await handledBy(clients.db, 'analytics', refund);
      const v = await view(customerId);
      expect(v.inputs).toMatchObject({ frequency: 1, monetary: '0.00' });
      expect(v.valueTier).toBe('C'); // no value left: never above C
      await eventually(async () => events.records.length === 1, 20_000, 'customer.scored after the refund');
      expect(dataOf(events.records[0]!)).toMatchObject({ customerId, valueTier: 'C' });
    } finally {
      await events.stop();
    }
  });

  it('survives refunds beyond what it knows was bought: the value goes negative and the tier is C', async () => {
    const customerId = randomUUID();
    const purchase = purchaseRecorded(customerId, '10.00');
    const refund = purchaseRefunded(customerId, randomUUID(), '30.00');
    await publishPurchaseEvents(clients.producer, purchase, refund);
    await handledBy(clients.db, 'analytics', refund);
    const v = await view(customerId);
    expect(v.inputs.monetary).toBe('-20.00');
    expect(v.valueTier).toBe('C');
    expect(v.monetary).toBe(1);
  });

  it('counts a redelivered purchase once', async () => {
    const customerId = randomUUID();
    const purchase = purchaseRecorded(customerId, '80.00');
    await publishPurchaseEvents(clients.producer, purchase);
    await handledBy(clients.db, 'analytics', purchase);
    const before = await view(customerId);

    const events = await scoredEvents([customerId]);
    try {
      await publishPurchaseEvents(clients.producer, purchase); // the same event again
      // A later event of the same customer (same partition) is handled after the redelivery.
      const refund = purchaseRefunded(customerId, purchase.data.purchaseId, '0.00', 0.0001);
      await publishPurchaseEvents(clients.producer, refund);
      await handledBy(clients.db, 'analytics', refund);
      const after = await view(customerId);
      expect(after.inputs).toEqual(before.inputs);
      // the same, but for when (the churn and CLV sections are computed anew on each assessment or read)
      type Timed = { computedAt: string } | null | undefined;
      const untimed = (v: ScoreView & { churn?: Timed; clv?: Timed }) => ({
        ...v,
        computedAt: null,
        churn: v.churn && { ...v.churn, computedAt: null },
        clv: v.clv && { ...v.clv, computedAt: null },
      });
      expect(untimed(after)).toEqual(untimed(before));
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(events.records).toEqual([]); // nothing changed, nothing published
    } finally {
      await events.stop();
    }
  });

  it('re-keys a merged customer’s purchases to the survivor and rescores the survivor', async () => {
    const [mergedId, survivorId] = [randomUUID(), randomUUID()];
    const older = purchaseRecorded(mergedId, '120.00', new Date(Date.now() - 10 * 86_400_000));
    const newer = purchaseRecorded(survivorId, '30.00', new Date(Date.now() - 86_400_000));
    await publishPurchaseEvents(clients.producer, older, newer);
    await handledBy(clients.db, 'analytics', older);
    await handledBy(clients.db, 'analytics', newer);

    const merge = customerMerged(mergedId, survivorId);
    await publishCustomerEvents(clients.producer, merge);
    await handledBy(clients.db, 'analytics', merge);
    const v = await view(survivorId);
    expect(v.inputs).toEqual({
      recencyDays: 1,
      frequency: 2,
      monetary: '150.00',
      lastPurchaseAt: newer.data.occurredAt,
    });
    expect((await scoresOf(mergedId)).status).toBe(404);
  });

  it('scores every customer in a full run as the model does, and publishes only the changed ones', async () => {
    const [growing, steady] = [randomUUID(), randomUUID()];
    const p1 = purchaseRecorded(growing, '0.01');
    const p2 = purchaseRecorded(steady, '70.00');
    await publishPurchaseEvents(clients.producer, p1, p2);
    await handledBy(clients.db, 'analytics', p1);
    await handledBy(clients.db, 'analytics', p2);
    await run();

    // One customer's facts change without an event (as a rebuild or a fix of the facts would do): a
    // cent, tier C, becomes more than everyone else together, tier A.
    await clients.db.query(
      `UPDATE analytics.customer_value_facts SET monetary = 1000000000000 WHERE customer_id = $1`,
      [growing],
    );
    const scoresNow = async () =>
      new Map(
        (
          await clients.db.query(
            `SELECT customer_id, recency, frequency, monetary, value_tier FROM analytics.customer_scores`,
          )
        ).rows.map((r) => [r.customer_id as string, `${r.recency}${r.frequency}${r.monetary}${r.value_tier}`]),
      );
    const before = await scoresNow();
    const events = await scoredEvents(null);
    const now = new Date();
    let outcome: Extract<RunOutcome, { ran: true }>;
    try {
      outcome = await run(now);
      await eventually(
        async () => events.records.length >= outcome.changed,
        30_000,
        `${outcome.changed} customer.scored events`,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // time for every event of the run to arrive
    } finally {
      await events.stop();
    }
    const after = await scoresNow();
    const changed = [...after].filter(([id, s]) => before.get(id) !== s).map(([id]) => id);
    expect(before.get(growing)).toMatch(/C$/);
    expect(changed).toContain(growing);
    // the stack's own analytics is a replica too: its scheduled run may publish the same changes again,
    // so the test asks which customers were published, not how often. Every customer whose scores
    // changed is; so are those whose churn risk moved enough (riskMoved, with time alone), which the
    // run counts in `changed` too.
    const published = new Set(events.records.map((r) => r.key));
    expect(changed.filter((id) => !published.has(id))).toEqual([]);
    expect(outcome.changed).toBeGreaterThanOrEqual(changed.length);
    expect(dataOf(events.records.find((r) => r.key === growing)!)).toMatchObject({
      customerId: growing,
      monetary: 5,
      valueTier: 'A',
    });

    // The SQL of the run against the model over the same facts.
    const facts = (
      await clients.db.query(
        `SELECT customer_id, last_purchase_at, purchase_count, monetary::float8 AS monetary
         FROM analytics.customer_value_facts WHERE purchase_count > 0`,
      )
    ).rows.map((r) => ({
      customerId: r.customer_id as string,
      recencyDays: recencyDays(r.last_purchase_at, now),
      frequency: r.purchase_count as number,
      monetary: r.monetary as number,
    }));
    const cuts = scoringCuts(facts, 0.8, 0.95)!;
    const v = await view(steady);
    expect(v.computedBy).toBe(`run:${outcome.runId}`);
    expect(cutsOf(v).recencyDays).toEqual(cuts.recencyDays);
    expect(cutsOf(v).frequency).toEqual(cuts.frequency);
    expect(cutsOf(v).monetary).toEqual(cuts.monetary);
    expect(v.tier.aMinValue).toBe(cuts.tier.aMinValue);
    expect(v.tier.bMinValue).toBe(cuts.tier.bMinValue);
    for (const fact of facts) {
      const s = scoreCustomer(fact, cuts);
      expect([fact.customerId, after.get(fact.customerId)]).toEqual([
        fact.customerId,
        `${s.recency}${s.frequency}${s.monetary}${s.valueTier}`,
      ]);
    }
    expect(outcome.customers).toBe(facts.length);
  });

  it('runs the full run once when two replicas tick at the same moment', async () => {
    await run(); // the stack's own analytics is past its first run now
    for (let round = 0; round < 3; round++) {
      const runsBefore = (await clients.db.query(`SELECT count(*)::int AS n FROM analytics.scoring_runs`)).rows[0].n;
      await new Promise((resolve) => setTimeout(resolve, 5)); // due again (interval 1 ms)
      const now = new Date();
      const outcomes = await Promise.all([rfm(0).runIfDue(now), rfm(1).runIfDue(now)]);
      expect(outcomes.filter((o) => o.ran)).toHaveLength(1);
      const runsAfter = (await clients.db.query(`SELECT count(*)::int AS n FROM analytics.scoring_runs`)).rows[0].n;
      expect(runsAfter).toBe(runsBefore + 1);
    }
  });

  it('waits with the full run’s scoring until rescoring in flight has committed', async () => {
    await run();
    const inFlight = await adminClient();
    try {
      await inFlight.query('BEGIN');
      // What a purchase's rescoring holds until its transaction commits.
      await inFlight.query(`SELECT pg_advisory_xact_lock_shared(hashtext('rapport.analytics.scores'))`);
      let finished = false;
      await new Promise((resolve) => setTimeout(resolve, 5));
      const pending = rfm(1)
        .runIfDue(new Date())
        .then((outcome) => {
          finished = true;
          return outcome;
        });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(finished).toBe(false);
      await inFlight.query('COMMIT');
      expect((await pending).ran).toBe(true);
    } finally {
      await inFlight.end();
    }
  });

  it('answers problems, never a 500: a malformed id, a customer never scored, a caller without analytics:read', async () => {
    const bad = await replicas[0]!
      .http()
      .get('/internal/v1/scores/not-a-uuid')
      .set(await replicas[0]!.as(TEST_CALLERS.analyst));
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');

    const unknown = await scoresOf(randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'customer-not-scored' });

    const agent = await replicas[0]!
      .http()
      .get(`/internal/v1/scores/${randomUUID()}`)
      .set(await replicas[0]!.as(TEST_CALLERS.agent1));
    expect(agent.status).toBe(403);
  });
});
