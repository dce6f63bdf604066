import { randomUUID } from 'node:crypto';
import { createEnvelope, CustomerScoredV1, Topics, toBinaryMode, type EventEnvelope } from '@rapport/contracts';
import type { MessageBus, RecordProducer } from '@rapport/platform-messaging';
import { adminClient, bearer, eventually, stackInfo, testBus } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * analytics' customer.scored, published as analytics will publish it (the real envelope on the
 * real broker), consumed by customer-profile: the value tier lands on the customer, the lifecycle
 * moves (loyal / at_risk) and is published, older scores are ignored, redeliveries have no second
 * effect; the recycle job gives each value tier its own period.
 */
describe('scores from analytics', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  let bus: MessageBus;
  let producer: RecordProducer;
  let agent1: string;
  let admin: string;
  const LIFECYCLE = 'rapport.customer-profile.lifecycle.changed.v1';

  beforeAll(async () => {
    db = await adminClient();
    bus = testBus();
    producer = bus.producer();
    [agent1, admin] = await Promise.all([bearer('agent1'), bearer('admin')]);
  });
  afterAll(async () => {
    await producer.disconnect();
    await bus.close();
    await db.end();
  });

  const customer = async (stage: string, owner = 'agent1'): Promise<string> => {
    const id = randomUUID();
    await db.query(
      `INSERT INTO customer_profile.customers (id, kind, name, owner_id, team, owner_since, lifecycle_stage) VALUES ($1, 'person', '评分测试', $2, 'north', now(), $3)`,
      [id, owner, stage],
    );
    return id;
  };
  const scored = (customerId: string, score: { valueTier: 'A' | 'B' | 'C'; churnRisk: number; scoredAt: string }) =>
    createEnvelope(CustomerScoredV1, customerId, { customerId, recency: 4, frequency: 3, monetary: 5, ...score });
  const publish = async (...events: EventEnvelope[]) =>
    producer.send(events.map((e) => ({ topic: Topics.scores.name, ...toBinaryMode(e) })));
  const consumed = (eventId: string) =>
    eventually(
      async () =>
        (await db.query(`SELECT 1 FROM customer_profile.inbox WHERE event_id = $1`, [eventId])).rowCount === 1,
      30_000,
      `event ${eventId} consumed`,
    );
  const lifecycle = async (id: string) =>
    (await gateway().get(`/api/v1/customers/${id}/lifecycle`).set('authorization', agent1).expect(200)).body;
  const moves = async (id: string) =>
    (
      await db.query(
        `SELECT payload FROM customer_profile.outbox WHERE message_key = $1 AND event_type = $2 ORDER BY seq`,
        [id, LIFECYCLE],
      )
    ).rows.map((r: { payload: string }) => JSON.parse(r.payload));

  it('sets the value tier and makes a high-value, low-risk active customer loyal; ignores older scores', async () => {
    const id = await customer('active');
    const first = scored(id, { valueTier: 'A', churnRisk: 0.1, scoredAt: '2026-11-20T00:00:00Z' });
    await publish(first);
    await consumed(first.id);
    const view = await lifecycle(id);
    expect(view).toMatchObject({
      stage: 'loyal',
      valueTier: 'A',
      churnRisk: 0.1,
      scoredAt: '2026-11-20T00:00:00.000Z',
    });
    expect(view.history).toEqual([
      expect.objectContaining({
        from: 'active',
        to: 'loyal',
        reason: 'scored by analytics',
        automatic: true,
        changedBy: null,
      }),
    ]);
    expect(await moves(id)).toEqual([
      { customerId: id, from: 'active', to: 'loyal', reason: 'scored by analytics', changedAt: expect.any(String) },
    ]);

    const older = scored(id, { valueTier: 'C', churnRisk: 0.9, scoredAt: '2026-11-19T00:00:00Z' });
    await publish(older);
    await consumed(older.id);
    expect(await lifecycle(id)).toMatchObject({ stage: 'loyal', valueTier: 'A', churnRisk: 0.1 });
    expect(await moves(id)).toHaveLength(1);
  });

  it('puts customers at risk from the churn-risk threshold on, once for a redelivered event', async () => {
    const loyal = await customer('loyal');
    const fresh = await customer('new');
    const prospect = await customer('prospect');
    const risky = scored(loyal, { valueTier: 'A', churnRisk: 0.85, scoredAt: new Date().toISOString() });
    await publish(risky, risky, scored(fresh, { valueTier: 'C', churnRisk: 0.7, scoredAt: new Date().toISOString() }));
    const prospectScore = scored(prospect, { valueTier: 'B', churnRisk: 0.99, scoredAt: new Date().toISOString() });
    await publish(prospectScore);
    await consumed(risky.id);
    await eventually(async () => (await lifecycle(fresh)).stage === 'at_risk', 30_000, 'the new customer at risk');
    await consumed(prospectScore.id);
    expect(await lifecycle(loyal)).toMatchObject({ stage: 'at_risk', valueTier: 'A', churnRisk: 0.85 });
    expect(await moves(loyal)).toEqual([
      expect.objectContaining({ from: 'loyal', to: 'at_risk', reason: 'scored by analytics' }),
    ]);
    expect(await moves(fresh)).toEqual([expect.objectContaining({ from: 'new', to: 'at_risk' })]);
    // a prospect has nothing to lose yet: the tier is kept, the stage stays
    expect(await lifecycle(prospect)).toMatchObject({ stage: 'prospect', valueTier: 'B' });
    expect(await moves(prospect)).toEqual([]);
    const inbox = await db.query(`SELECT count(*)::int AS n FROM customer_profile.inbox WHERE event_id = $1`, [
      risky.id,
    ]);
    expect(inbox.rows[0].n).toBe(1);
  });

  it('ignores scores of customers it does not know and keeps consuming', async () => {
    const ghost = scored(randomUUID(), { valueTier: 'A', churnRisk: 0.1, scoredAt: new Date().toISOString() });
    const id = await customer('active');
    const real = scored(id, { valueTier: 'B', churnRisk: 0.2, scoredAt: new Date().toISOString() });
    await publish(ghost, real);
    await consumed(ghost.id);
    await consumed(real.id);
    expect(await lifecycle(id)).toMatchObject({ stage: 'active', valueTier: 'B' });
  });

  it('recycles owned customers to the pool after the period of their value tier', async () => {
    const stale = async (tier: 'A' | 'B' | 'C' | null, days: number) => {
      const id = await customer('active', 'tier-recycle-agent');
      await db.query(
        `UPDATE customer_profile.customers SET value_tier = $2, created_at = now() - make_interval(days => 400), updated_at = now() - make_interval(days => 400),
           owner_since = now() - make_interval(days => 400), last_contact_at = now() - make_interval(days => $3) WHERE id = $1`,
        [id, tier, days],
      );
      return id;
    };
    const a45 = await stale('A', 45);
    const a61 = await stale('A', 61);
    const b25 = await stale('B', 25);
    const b31 = await stale('B', 31);
    const c16 = await stale('C', 16);
    const none31 = await stale(null, 31);
    const run = await gateway().post('/api/v1/ownership/recycle-runs').set('authorization', admin).send({}).expect(200);
    expect(run.body.customerIds).toEqual(expect.arrayContaining([a61, b31, c16, none31]));
    expect(run.body.customerIds).not.toContain(a45);
    expect(run.body.customerIds).not.toContain(b25);
    const reasons = await db.query(
      `SELECT customer_id, reason FROM customer_profile.ownership_history WHERE customer_id = ANY($1::uuid[]) AND change = 'recycled'`,
      [[a61, b31, c16, none31]],
    );
    expect(
      Object.fromEntries(reasons.rows.map((r: { customer_id: string; reason: string }) => [r.customer_id, r.reason])),
    ).toEqual({
      [a61]: 'no contact for 60 days',
      [b31]: 'no contact for 30 days',
      [c16]: 'no contact for 15 days',
      [none31]: 'no contact for 30 days',
    });
  });
});
