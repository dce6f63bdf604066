import { randomUUID } from 'node:crypto';
import { adminClient, bearer, customerRequest, eventually, stackInfo } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * Contacts and follow-ups through the gateway, as a sales or service department's client logs them:
 * the customer's timeline, customer-profile's last contact following it (and the public pool leaving a
 * customer who is called alone), and follow-ups worked to done.
 */
describe('interactions and follow-ups through the gateway', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  const auth: Record<string, string> = {};

  beforeAll(async () => {
    db = await adminClient();
    for (const user of ['agent1', 'agent2', 'manager', 'admin', 'analyst'] as const) auth[user] = await bearer(user);
  });
  afterAll(async () => {
    await db.end();
  });

  /** A customer created through the gateway by agent1 (its owner), once interaction has learned of it. */
  const customer = async (): Promise<string> => {
    const id = (
      await gateway()
        .post('/api/v1/customers')
        .query({ force: 'true' })
        .set('authorization', auth.agent1!)
        .send(customerRequest())
        .expect(201)
    ).body.id as string;
    await eventually(
      async () =>
        ((await db.query('SELECT 1 FROM interaction.customer_refs WHERE customer_id = $1', [id])).rowCount ?? 0) === 1,
      20_000,
      'interaction to know the customer',
    );
    return id;
  };
  const log = (id: string, body: object, user = 'agent1', key?: string) => {
    const call = gateway().post(`/api/v1/customers/${id}/interactions`).set('authorization', auth[user]!);
    return (key ? call.set('idempotency-key', key) : call).send(body);
  };
  const lastContactOf = async (id: string) =>
    (await gateway().get(`/api/v1/customers/${id}`).set('authorization', auth.agent1!).expect(200)).body
      .lastContactAt as string | null;

  it('puts a call, a WeChat message and a visit in the timeline in order, and customer-profile’s last contact follows the latest', async () => {
    const id = await customer();
    expect(await lastContactOf(id)).toBeNull();
    const call = await log(id, {
      channel: 'phone',
      direction: 'outbound',
      occurredAt: '2026-11-30T10:00:00+08:00',
      summary: '问续约',
    });
    expect(call.status).toBe(201);
    await log(id, { channel: 'wechat', direction: 'inbound', occurredAt: '2026-12-01T09:00:00+08:00' }).expect(201);
    // logged last but happened first: the last contact stays at the WeChat message
    await log(id, { channel: 'visit', direction: 'outbound', occurredAt: '2026-11-28T15:00:00+08:00' }).expect(201);

    const timeline = await gateway()
      .get(`/api/v1/customers/${id}/interactions`)
      .set('authorization', auth.agent1!)
      .expect(200);
    expect(timeline.body.items.map((i: { channel: string }) => i.channel)).toEqual(['wechat', 'phone', 'visit']);
    await eventually(
      async () => (await lastContactOf(id)) === '2026-12-01T01:00:00.000Z',
      20_000,
      'customer-profile to take the latest contact',
    );
    // a while later, still the latest (the visit, consumed after, did not move it back)
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await lastContactOf(id)).toBe('2026-12-01T01:00:00.000Z');

    const phones = await gateway()
      .get(`/api/v1/customers/${id}/interactions?channel=phone`)
      .set('authorization', auth.analyst!)
      .expect(200);
    expect(phones.body.items).toEqual([expect.objectContaining({ id: call.body.id, channel: 'phone' })]);

    const view = await gateway().get(`/api/v1/customers/${id}/360`).set('authorization', auth.agent1!).expect(200);
    expect(view.body.interactions.items.map((i: { channel: string }) => i.channel)).toEqual([
      'wechat',
      'phone',
      'visit',
    ]);
  });

  it('keeps a customer who is called from going back to the public pool, and recycles one nobody contacts', async () => {
    const [called, forgotten] = [await customer(), await customer()];
    await db.query(
      `UPDATE customer_profile.customers SET created_at = now() - interval '40 days', updated_at = now() - interval '40 days',
         owner_since = now() - interval '40 days', last_contact_at = NULL WHERE id = ANY($1::uuid[])`,
      [[called, forgotten]],
    );
    await log(called, { channel: 'phone', direction: 'outbound', outcome: 'reached' }).expect(201);
    await eventually(async () => (await lastContactOf(called)) !== null, 20_000, 'the call to count as a contact');

    const run = await gateway()
      .post('/api/v1/ownership/recycle-runs')
      .set('authorization', auth.admin!)
      .send({})
      .expect(200);
    expect(run.body.customerIds).toContain(forgotten);
    expect(run.body.customerIds).not.toContain(called);
  });

  it('answers bad input with problem+json: 400 naming the field, 422 for a future contact, 401 and 403 without the right', async () => {
    const id = await customer();
    const bad = await log(id, { channel: 'pigeon', direction: 'outbound' }).expect(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(bad.body)).toContain('channel');
    const future = await log(id, {
      channel: 'phone',
      direction: 'outbound',
      occurredAt: new Date(Date.now() + 86_400_000).toISOString(),
    }).expect(422);
    expect(future.body).toMatchObject({ code: 'occurred-in-future' });
    await gateway().get(`/api/v1/customers/${id}/interactions`).expect(401);
    // agent1's customer is not agent2's to read (customer-profile's row rule), nor an unknown one
    await gateway().get(`/api/v1/customers/${id}/interactions`).set('authorization', auth.agent2!).expect(404);
    await gateway()
      .get(`/api/v1/customers/${randomUUID()}/interactions`)
      .set('authorization', auth.agent1!)
      .expect(404);
    await gateway().get(`/api/v1/customers/${id}/interactions`).set('authorization', auth.manager!).expect(200);
    await log(id, { channel: 'phone', direction: 'outbound' }, 'analyst').expect(403);
    await gateway().get('/api/v1/customers/not-a-uuid/interactions').set('authorization', auth.agent1!).expect(400);
  });

  it('logs a contact once for a repeated Idempotency-Key', async () => {
    const id = await customer();
    const key = `log-${randomUUID()}`;
    const body = { channel: 'email', direction: 'inbound', summary: 'Asked for an invoice copy.' };
    const first = await log(id, body, 'agent1', key).expect(201);
    const again = await log(id, body, 'agent1', key).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const rows = await db.query('SELECT count(*)::int AS n FROM interaction.interactions WHERE customer_id = $1', [id]);
    expect(rows.rows).toEqual([{ n: 1 }]);
  });

  it('plans a follow-up, shows it to its assignee and their manager only, and completes it into the timeline', async () => {
    const id = await customer();
    const dueAt = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const created = await gateway()
      .post('/api/v1/follow-ups')
      .set('authorization', auth.agent1!)
      .send({ customerId: id, dueAt, channel: 'phone', note: 'Call back about the quote' })
      .expect(201);
    expect(created.body).toMatchObject({ customerId: id, status: 'open', channel: 'phone' });
    const followUpId = created.body.id as string;

    await gateway().get(`/api/v1/follow-ups/${followUpId}`).set('authorization', auth.agent2!).expect(404);
    await gateway().get(`/api/v1/follow-ups/${followUpId}`).set('authorization', auth.manager!).expect(200);
    const mine = await gateway()
      .get(`/api/v1/follow-ups?assignee=me&status=open&customerId=${id}`)
      .set('authorization', auth.agent1!)
      .expect(200);
    expect(mine.body.items.map((f: { id: string }) => f.id)).toEqual([followUpId]);
    const before = await gateway().get(`/api/v1/customers/${id}/360`).set('authorization', auth.agent1!).expect(200);
    expect(before.body.followUps.items.map((f: { id: string }) => f.id)).toEqual([followUpId]);
    await gateway()
      .post(`/api/v1/follow-ups/${followUpId}/snooze`)
      .set('authorization', auth.agent1!)
      .send({ until: dueAt, businessMinutes: 5 })
      .expect(400);

    const key = `complete-${followUpId}`;
    const completion = { direction: 'outbound', outcome: 'reached', summary: 'Quote accepted' };
    const done = await gateway()
      .post(`/api/v1/follow-ups/${followUpId}/complete`)
      .set('authorization', auth.agent1!)
      .set('idempotency-key', key)
      .send(completion)
      .expect(200);
    // a retry with the same key gets the same answer, and records nothing twice
    const replayed = await gateway()
      .post(`/api/v1/follow-ups/${followUpId}/complete`)
      .set('authorization', auth.agent1!)
      .set('idempotency-key', key)
      .send(completion)
      .expect(200);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body.interaction.id).toBe(done.body.interaction.id);
    expect(done.body.followUp).toMatchObject({ status: 'done', interactionId: done.body.interaction.id });
    const timeline = await gateway()
      .get(`/api/v1/customers/${id}/interactions`)
      .set('authorization', auth.agent1!)
      .expect(200);
    expect(timeline.body.items).toEqual([expect.objectContaining({ followUpId, outcome: 'reached' })]);
    // done: no longer among the customer's follow-ups in the 360 view
    const after = await gateway().get(`/api/v1/customers/${id}/360`).set('authorization', auth.agent1!).expect(200);
    expect(after.body.followUps.items).toEqual([]);
    await gateway()
      .post(`/api/v1/follow-ups/${followUpId}/complete`)
      .set('authorization', auth.agent1!)
      .send({ direction: 'outbound' })
      .expect(409);
  });

  it('runs a win-back cadence for a customer and stops it when the customer buys', async () => {
    const id = await customer();
    const cadence = await gateway()
      .post('/api/v1/cadences')
      .set('authorization', auth.manager!)
      .send({
        name: `win-back-${randomUUID().slice(0, 8)}`,
        steps: [
          { dayOffset: 0, channel: 'phone', note: '问近况' },
          { dayOffset: 3, channel: 'wechat', note: '发优惠券' },
        ],
      })
      .expect(201);
    const enrolled = await gateway()
      .post(`/api/v1/cadences/${cadence.body.id}/enrolments`)
      .set('authorization', auth.agent1!)
      .send({ customerId: id })
      .expect(201);
    expect(enrolled.body).toMatchObject({ customerId: id, status: 'active', assignee: 'agent1' });
    expect(enrolled.body.followUps).toHaveLength(2);

    await gateway()
      .post(`/api/v1/customers/${id}/purchases`)
      .set('authorization', auth.agent1!)
      .send({
        externalOrderId: `SO-${randomUUID()}`,
        currency: 'CNY',
        occurredAt: new Date().toISOString(),
        lines: [{ sku: 'TEA-1', quantity: 1, unitPrice: '88.00' }],
      })
      .expect(201);
    const stopped = await eventually(
      async () => {
        const r = await gateway()
          .get(`/api/v1/cadences/${cadence.body.id}/enrolments?customerId=${id}`)
          .set('authorization', auth.agent1!)
          .expect(200);
        return r.body.items[0]?.status === 'stopped' ? r.body.items[0] : undefined;
      },
      20_000,
      'the purchase to stop the cadence',
    );
    expect(stopped).toMatchObject({ stopReason: 'purchased', followUps: [] });
  });
});
