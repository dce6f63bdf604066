import { randomUUID } from 'node:crypto';
import { Topics } from '@rapport/contracts';
import {
  closeServiceTestClients,
  eventually,
  handledBy,
  openServiceTestClients,
  publishCustomerEvents,
  startServiceInProcess,
  TEST_CALLERS,
  type InProcessService,
  type ServiceTestClients,
  uuidColumnsHolding,
} from '@rapport/testing';
import { customerCreated, customerErased, customerMerged } from '../../test/factories/customer-events';
import { publishPurchaseEvents, purchaseRecorded, purchaseRefunded } from '../../test/factories/purchase-events';
import { AppModule } from '../app.module';
import { accountedTables, READ_MODELS } from './read-models';
import type { RebuildView } from './rebuilds.service';

/**
 * Rebuilds on the real stack: the stack's analytics consumes (it is the consumer group's only member)
 * and an in-process replica takes the requests, so the rebuild has to stop a consumer in another
 * process, reset the group and watch that process replay. The read models after a rebuild are
 * compared with what continuous consumption had built, row for row.
 */
describe('rebuilding the analytics read models from the topics', () => {
  let clients: ServiceTestClients;
  let replica: InProcessService;

  beforeAll(async () => {
    clients = await openServiceTestClients();
    replica = await startServiceInProcess('analytics', AppModule);
  });
  afterAll(async () => {
    await replica?.stop();
    await closeServiceTestClients(clients);
  });

  const projections = READ_MODELS.flatMap((r) => r.projections);
  /**
   * Every row of every projection, as JSON, without the columns that record when analytics stored a row
   * (their default is now(): first_seen_at), which say when it learned of it, not what it learned.
   */
  const snapshot = async (): Promise<Record<string, string[]>> => {
    const result: Record<string, string[]> = {};
    for (const table of projections) {
      const { rows: learnedAt } = await clients.db.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
          WHERE table_schema = 'analytics' AND table_name = $1 AND column_default = 'now()'`,
        [table],
      );
      const { rows } = await clients.db.query<{ row: string }>(
        `SELECT (to_jsonb(t) - $1::text[])::text AS row FROM analytics."${table}" t ORDER BY 1`,
        [learnedAt.map((c) => c.column_name)],
      );
      result[table] = rows.map((r) => r.row);
    }
    return result;
  };
  const inboxIds = async () =>
    new Set(
      (await clients.db.query<{ event_id: string }>(`SELECT event_id FROM analytics.inbox`)).rows.map(
        (r) => r.event_id,
      ),
    );
  const start = async () =>
    replica
      .http()
      .post('/internal/v1/analytics/rebuilds')
      .set(await replica.as(TEST_CALLERS.admin));
  const view = async (id: string): Promise<RebuildView> => {
    const response = await replica
      .http()
      .get(`/internal/v1/analytics/rebuilds/${id}`)
      .set(await replica.as(TEST_CALLERS.analyst));
    expect(response.status).toBe(200);
    return response.body as RebuildView;
  };
  const finished = (id: string) =>
    eventually(
      async () => {
        const v = await view(id);
        return v.state !== 'running' && v;
      },
      120_000,
      `rebuild ${id} to finish`,
    );
  const factsOf = async (customerId: string) =>
    (await clients.db.query(`SELECT * FROM analytics.customer_facts WHERE customer_id = $1`, [customerId])).rows;

  it('gives back the same read models, row for row, and applies each event once', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const first = purchaseRecorded(a, '100.00', new Date(Date.now() - 5 * 86_400_000));
    const second = purchaseRecorded(a, '40.00');
    const third = purchaseRecorded(c, '25.50');
    const refund = purchaseRefunded(a, first.data.purchaseId, '30.00', 0.3);
    const merge = customerMerged(c, b);
    await publishCustomerEvents(clients.producer, customerCreated(a), customerCreated(b), customerCreated(c));
    await publishPurchaseEvents(clients.producer, first, second, third, refund);
    await handledBy(clients.db, 'analytics', refund);
    await handledBy(clients.db, 'analytics', third);
    await publishCustomerEvents(clients.producer, merge);
    await handledBy(clients.db, 'analytics', merge);
    // Merges of buyers known only from their purchases (no customer.created): the replay applies the
    // purchases topic and the customers topic side by side, so a merge meets its purchases in any order.
    const pairs = Array.from({ length: 6 }, () => [randomUUID(), randomUUID()] as const);
    const pairPurchases = pairs.flatMap(([merged, survivor]) => [
      purchaseRecorded(merged, '120.00', new Date(Date.now() - 10 * 86_400_000)),
      purchaseRecorded(survivor, '30.00'),
    ]);
    await publishPurchaseEvents(clients.producer, ...pairPurchases);
    for (const purchase of pairPurchases) await handledBy(clients.db, 'analytics', purchase);
    const pairMerges = pairs.map(([merged, survivor]) => customerMerged(merged, survivor));
    await publishCustomerEvents(clients.producer, ...pairMerges);
    for (const m of pairMerges) await handledBy(clients.db, 'analytics', m);
    const before = await snapshot();
    const appliedBefore = await inboxIds();
    // what this test added is in it: c's purchase counts for b, a's is net of the refund
    expect(before['merged_customers']!.some((row) => row.includes(c) && row.includes(b))).toBe(true);
    expect(before['customer_value_facts']!.filter((row) => row.includes(b))).toHaveLength(1);

    const response = await start();
    expect(response.status).toBe(202);
    const started = response.body as RebuildView;
    expect(response.headers['location']).toBe(`/internal/v1/analytics/rebuilds/${started.id}`);
    expect(started).toMatchObject({ state: 'running', phase: 'stopping', requestedBy: 'admin', finishedAt: null });
    expect(started.emptiedTables).toEqual(expect.arrayContaining([...projections, 'inbox']));
    // the targets: every partition of the topics analytics consumes, at its high-water mark
    const consumed = [Topics.customers, Topics.purchases, Topics.interactions, Topics.tickets, Topics.loyalty];
    expect(new Set(started.partitions.map((p) => p.topic))).toEqual(new Set(consumed.map((t) => t.name)));
    expect(started.partitions).toHaveLength(consumed.reduce((n, t) => n + t.partitions, 0));

    const done = await finished(started.id);
    expect(done).toMatchObject({ state: 'completed', phase: 'done', error: null, historyComplete: true });
    for (const p of done.partitions) {
      expect(p.done).toBe(true);
      if (BigInt(p.target) > 0n) expect(BigInt(p.reached!)).toBeGreaterThanOrEqual(BigInt(p.target));
    }
    expect(await snapshot()).toEqual(before);
    // every event applied before is applied again, once (the inbox holds an id once by its key)
    const appliedAfter = await inboxIds();
    expect([...appliedBefore].filter((id) => !appliedAfter.has(id))).toEqual([]);
    expect(done.eventsApplied).toBeGreaterThanOrEqual(appliedBefore.size);
  }, 180_000);

  it('loses no event published while the rebuild runs', async () => {
    const during = randomUUID();
    const created = customerCreated(during);
    const purchase = purchaseRecorded(during, '12.00');
    const response = await start();
    expect(response.status).toBe(202);
    const id = (response.body as RebuildView).id;
    // while the consumers stop, then while they replay
    await publishCustomerEvents(clients.producer, created);
    await eventually(async () => (await view(id)).phase !== 'stopping', 90_000, 'the replay to begin');
    await publishPurchaseEvents(clients.producer, purchase);
    expect((await finished(id)).state).toBe('completed');
    await handledBy(clients.db, 'analytics', created);
    await handledBy(clients.db, 'analytics', purchase);
    expect(await factsOf(during)).toHaveLength(1);
    const { rows } = await clients.db.query(`SELECT total_base FROM analytics.purchases WHERE customer_id = $1`, [
      during,
    ]);
    expect(rows).toEqual([{ total_base: '12.0000' }]);
  }, 180_000);

  // The group's offsets were once reset inside the transaction that emptied the tables: kafkajs takes
  // seconds per topic to do it, and every read of analytics waited behind the TRUNCATE's lock (504s).
  it('keeps answering reads while it stops the consumers, rewinds the group and empties the tables', async () => {
    const response = await start();
    expect(response.status).toBe(202);
    const id = (response.body as RebuildView).id;
    const latencies: number[] = [];
    let phase: RebuildView['phase'] = 'stopping';
    while (phase === 'stopping') {
      const began = Date.now();
      const count = await replica
        .http()
        .get('/internal/v1/customers/count')
        .set(await replica.as(TEST_CALLERS.analyst));
      expect(count.status).toBe(200);
      latencies.push(Date.now() - began);
      phase = (await view(id)).phase;
    }
    expect((await finished(id)).state).toBe('completed');
    expect(latencies.length).toBeGreaterThan(1);
    // one wait of the emptying for a lock (1 s) at most, not the rewind's seconds per topic
    expect(Math.max(...latencies)).toBeLessThan(2_500);
  }, 180_000);

  it('runs one rebuild at a time: a second request while one runs is 409 naming the running one', async () => {
    const [one, two] = await Promise.all([start(), start()]);
    const statuses = [one.status, two.status].sort();
    expect(statuses).toEqual([202, 409]);
    const [accepted, refused] = one.status === 202 ? [one, two] : [two, one];
    expect(refused.body).toMatchObject({
      type: 'https://rapport.dev/problems/conflict',
      status: 409,
      code: 'rebuild-running',
      rebuildId: accepted.body.id,
    });
    expect((await finished(accepted.body.id as string)).state).toBe('completed');
    // and once it is done, the next one may start
    const next = await start();
    expect(next.status).toBe(202);
    expect((await finished(next.body.id as string)).state).toBe('completed');
  }, 180_000);

  it('does not bring an erased customer back: the replay applies the erasure after the creation', async () => {
    const erased = randomUUID();
    const kept = randomUUID();
    const erasure = customerErased(erased);
    await publishCustomerEvents(clients.producer, customerCreated(erased), customerCreated(kept), erasure);
    await handledBy(clients.db, 'analytics', erasure);
    expect(await factsOf(erased)).toHaveLength(0);
    const response = await start();
    expect(response.status).toBe(202);
    expect((await finished(response.body.id as string)).state).toBe('completed');
    expect(await factsOf(erased)).toHaveLength(0);
    expect(await factsOf(kept)).toHaveLength(1);
  }, 180_000);

  it('does not bring back an erased buyer under their id either (purchases replayed on another topic)', async () => {
    const erased = randomUUID();
    const purchases = [purchaseRecorded(erased, '60.00'), purchaseRecorded(erased, '15.00')];
    await publishCustomerEvents(clients.producer, customerCreated(erased));
    await publishPurchaseEvents(clients.producer, ...purchases);
    await handledBy(clients.db, 'analytics', purchases[1]!);
    const erasure = customerErased(erased);
    await publishCustomerEvents(clients.producer, erasure);
    await handledBy(clients.db, 'analytics', erasure);
    expect(await uuidColumnsHolding(clients.db, 'analytics', erased)).toEqual([]);
    const response = await start();
    expect(response.status).toBe(202);
    expect((await finished(response.body.id as string)).state).toBe('completed');
    expect(await uuidColumnsHolding(clients.db, 'analytics', erased)).toEqual([]);
    // the purchases stay, unlinked, as the erasure left them
    const { rows } = await clients.db.query(
      `SELECT count(*)::int AS n FROM analytics.purchases WHERE purchase_id = ANY($1::uuid[])`,
      [purchases.map((p) => p.data.purchaseId)],
    );
    expect(rows[0].n).toBe(2);
  }, 180_000);

  it('answers 404 for an unknown rebuild, 400 for an id that is not one, 403 without analytics:write', async () => {
    const unknown = await replica
      .http()
      .get(`/internal/v1/analytics/rebuilds/${randomUUID()}`)
      .set(await replica.as(TEST_CALLERS.analyst));
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('rebuild-not-found');
    const bad = await replica
      .http()
      .get('/internal/v1/analytics/rebuilds/not-an-id')
      .set(await replica.as(TEST_CALLERS.analyst));
    expect(bad.status).toBe(400);
    const refused = await replica
      .http()
      .post('/internal/v1/analytics/rebuilds')
      .set(await replica.as(TEST_CALLERS.analyst));
    expect(refused.status).toBe(403);
  }, 180_000);

  it('accounts for every table of schema analytics: a projection, a derived output, kept, or the platform’s', async () => {
    const { rows } = await clients.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'analytics' AND table_type = 'BASE TABLE'`,
    );
    const accounted = accountedTables();
    const unregistered = rows.map((r) => r.table_name).filter((t) => !accounted.has(t));
    // A new table goes into READ_MODELS (apps/analytics/src/rebuilds/read-models.ts) in the list that says what a rebuild does with it.
    expect(unregistered).toEqual([]);
  }, 180_000);
});
