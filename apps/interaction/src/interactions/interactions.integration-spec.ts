import { randomUUID } from 'node:crypto';
import {
  closeServiceTestClients,
  openServiceTestClients,
  startServiceInProcess,
  TEST_CALLERS,
  type InProcessService,
  type ServiceTestClients,
  type TestCaller,
} from '@rapport/testing';
import { AppModule } from '../app.module';
import { interactionRequest } from '../../test/factories/interactions';
import { knownCustomer } from '../../test/factories/known-customer';

interface View {
  id: string;
  customerId: string;
  channel: string;
  direction: string;
  occurredAt: string;
  agent: string;
  summary: string | null;
  followUpId: string | null;
}

/**
 * Medium tier: the interaction log through interaction's internal API, in process against the test
 * stack's PostgreSQL and Kafka; the customers come from customer.created on the real broker.
 */
describe('the interaction log (in process)', () => {
  let sut: InProcessService;
  let clients: ServiceTestClients;

  beforeAll(async () => {
    clients = await openServiceTestClients();
    sut = await startServiceInProcess('interaction', AppModule);
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
    await closeServiceTestClients(clients);
  });

  const log = async (customerId: string, body: object, caller: TestCaller = TEST_CALLERS.agent1) =>
    sut
      .http()
      .post(`/internal/v1/customers/${customerId}/interactions`)
      .set(await sut.as(caller))
      .send(body);
  const timeline = async (customerId: string, query = '', caller: TestCaller = TEST_CALLERS.agent1) =>
    sut
      .http()
      .get(`/internal/v1/customers/${customerId}/interactions${query}`)
      .set(await sut.as(caller));
  const logged = async (id: string) =>
    (
      await clients.db.query(
        `SELECT payload FROM interaction.outbox WHERE event_type = 'rapport.interaction.interaction.logged.v1'
            AND payload::jsonb ->> 'interactionId' = $1`,
        [id],
      )
    ).rows.map((r: { payload: string }) => JSON.parse(r.payload));

  it('puts a call, a WeChat message and a visit in the customer’s timeline newest first, whatever order they were logged in', async () => {
    const customerId = await knownCustomer(clients);
    const visit = await log(
      customerId,
      interactionRequest({ channel: 'visit', occurredAt: '2026-11-20T15:00:00+08:00' }),
    );
    const call = await log(
      customerId,
      interactionRequest({ channel: 'phone', occurredAt: '2026-11-18T10:00:00+08:00' }),
    );
    const wechat = await log(
      customerId,
      interactionRequest({ channel: 'wechat', direction: 'inbound', occurredAt: '2026-11-19T09:30:00+08:00' }),
    );
    for (const r of [visit, call, wechat]) expect(r.status).toBe(201);
    expect(call.body).toMatchObject({
      customerId,
      channel: 'phone',
      direction: 'outbound',
      occurredAt: '2026-11-18T02:00:00.000Z',
      agent: 'agent1',
      team: 'north',
      summary: interactionRequest().summary,
      outcome: 'reached',
      durationSeconds: 240,
      loggedBy: 'agent1',
    });

    const all = await timeline(customerId);
    expect(all.status).toBe(200);
    expect((all.body.items as View[]).map((i) => i.channel)).toEqual(['visit', 'wechat', 'phone']);
    expect(all.body.nextCursor).toBeNull();

    // each contact published once, with no summary
    const [event] = await logged(call.body.id);
    expect(event).toMatchObject({
      interactionId: call.body.id,
      customerId,
      channel: 'phone',
      direction: 'outbound',
      occurredAt: '2026-11-18T02:00:00.000Z',
      agent: 'agent1',
      outcome: 'reached',
      durationSeconds: 240,
    });
    expect(event).not.toHaveProperty('summary');
    expect(await logged(call.body.id)).toHaveLength(1);
  });

  it('pages the timeline with the cursor, filters it by channel, and refuses a forged cursor (400)', async () => {
    const customerId = await knownCustomer(clients);
    const day = (d: number, channel: string) =>
      log(customerId, interactionRequest({ channel: channel as 'phone', occurredAt: `2026-10-0${d}T10:00:00+08:00` }));
    for (const [d, channel] of [
      [1, 'phone'],
      [2, 'email'],
      [3, 'phone'],
      [4, 'sms'],
      [5, 'phone'],
    ] as const)
      expect((await day(d, channel)).status).toBe(201);

    const first = await timeline(customerId, '?limit=2');
    expect((first.body.items as View[]).map((i) => i.occurredAt.slice(0, 10))).toEqual(['2026-10-05', '2026-10-04']);
    const second = await timeline(customerId, `?limit=2&cursor=${first.body.nextCursor}`);
    expect((second.body.items as View[]).map((i) => i.occurredAt.slice(0, 10))).toEqual(['2026-10-03', '2026-10-02']);
    const third = await timeline(customerId, `?limit=2&cursor=${second.body.nextCursor}`);
    expect((third.body.items as View[]).map((i) => i.occurredAt.slice(0, 10))).toEqual(['2026-10-01']);
    expect(third.body.nextCursor).toBeNull();

    const phones = await timeline(customerId, '?channel=phone');
    expect((phones.body.items as View[]).map((i) => i.occurredAt.slice(0, 10))).toEqual([
      '2026-10-05',
      '2026-10-03',
      '2026-10-01',
    ]);

    const forged = await timeline(customerId, `?cursor=${Buffer.from('{"s":"x"}').toString('base64url')}`);
    expect(forged.status).toBe(400);
    expect(forged.body).toMatchObject({ code: 'invalid-cursor', errors: [{ field: 'cursor' }] });
  });

  it('refuses a contact in the future or of an unknown customer (422), bad input (400), and writers without the scope (403)', async () => {
    const customerId = await knownCustomer(clients);
    const future = await log(
      customerId,
      interactionRequest({ occurredAt: new Date(Date.now() + 3_600_000).toISOString() }),
    );
    expect(future.status).toBe(422);
    expect(future.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(future.body).toMatchObject({ code: 'occurred-in-future', errors: [{ field: 'occurredAt' }] });

    const unknown = await log(randomUUID(), interactionRequest());
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ code: 'customer-unknown' });

    const foreignFollowUp = await log(customerId, interactionRequest({ followUpId: randomUUID() }));
    expect(foreignFollowUp.status).toBe(422);
    expect(foreignFollowUp.body).toMatchObject({
      code: 'follow-up-not-of-customer',
      errors: [{ field: 'followUpId' }],
    });

    const badChannel = await log(customerId, { ...interactionRequest(), channel: 'pigeon' });
    expect(badChannel.status).toBe(400);
    expect(JSON.stringify(badChannel.body)).toContain('channel');
    const negative = await log(customerId, interactionRequest({ durationSeconds: -1 }));
    expect(negative.status).toBe(400);
    const noOffset = await log(customerId, { ...interactionRequest(), occurredAt: '2026-11-18T10:00:00' });
    expect(noOffset.status).toBe(400);
    expect((await log('not-a-uuid', interactionRequest())).status).toBe(400);

    expect((await log(customerId, interactionRequest(), TEST_CALLERS.analyst)).status).toBe(403);
    expect((await timeline(customerId, '', TEST_CALLERS.analyst)).status).toBe(200);
    expect(
      (
        await sut
          .http()
          .get(`/internal/v1/customers/${customerId}/interactions`)
          .set(await sut.as({ sub: 'nobody', roles: [] }))
      ).status,
    ).toBe(403);
  });

  it('masks the summary without pii:read', async () => {
    const customerId = await knownCustomer(clients);
    await log(customerId, interactionRequest());
    const masked = await timeline(customerId, '', TEST_CALLERS.analyst);
    expect((masked.body.items as View[])[0]!.summary).not.toBe(interactionRequest().summary);
    const plain = await timeline(customerId, '', TEST_CALLERS.agent1);
    expect((plain.body.items as View[])[0]!.summary).toBe(interactionRequest().summary);
  });

  it('lists contacts across customers by agent, time range and channel, an agent seeing only their own', async () => {
    const [a, b] = [await knownCustomer(clients), await knownCustomer(clients)];
    const mark = `2025-0${1 + Math.floor(Math.random() * 9)}-1${Math.floor(Math.random() * 9)}`;
    const at = (hour: number) => `${mark}T${String(hour).padStart(2, '0')}:00:00+08:00`;
    const mine = await log(a, interactionRequest({ occurredAt: at(9) }), TEST_CALLERS.agent1);
    const theirs = await log(b, interactionRequest({ occurredAt: at(10), channel: 'email' }), TEST_CALLERS.agent2);
    const later = await log(b, interactionRequest({ occurredAt: at(15) }), TEST_CALLERS.agent1);
    const range = `from=${encodeURIComponent(at(8))}&to=${encodeURIComponent(at(12))}`;
    const ids = (body: { items: View[] }) => body.items.map((i) => i.id);

    const asAdmin = await sut
      .http()
      .get(`/internal/v1/interactions?${range}`)
      .set(await sut.as(TEST_CALLERS.admin));
    expect(asAdmin.status).toBe(200);
    expect(ids(asAdmin.body)).toEqual(expect.arrayContaining([mine.body.id, theirs.body.id]));
    expect(ids(asAdmin.body)).not.toContain(later.body.id);

    const email = await sut
      .http()
      .get(`/internal/v1/interactions?${range}&channel=email&agent=agent2`)
      .set(await sut.as(TEST_CALLERS.admin));
    expect(ids(email.body)).toEqual([theirs.body.id]);

    const asAgent = await sut
      .http()
      .get(`/internal/v1/interactions?${range}`)
      .set(await sut.as(TEST_CALLERS.agent1));
    expect(ids(asAgent.body)).toContain(mine.body.id);
    expect(ids(asAgent.body)).not.toContain(theirs.body.id);

    const me = await sut
      .http()
      .get(`/internal/v1/interactions?agent=me&from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(23))}`)
      .set(await sut.as(TEST_CALLERS.agent2));
    expect(ids(me.body)).toEqual([theirs.body.id]);

    const backwards = await sut
      .http()
      .get(`/internal/v1/interactions?from=${encodeURIComponent(at(12))}&to=${encodeURIComponent(at(8))}`)
      .set(await sut.as(TEST_CALLERS.admin));
    expect(backwards.status).toBe(422);
    expect(backwards.body).toMatchObject({ code: 'invalid-range', errors: [{ field: 'to' }] });
    // outside 1970–2199 the document's instant pattern refuses it (400); an offset that takes a date
    // within the pattern's years to an instant before 1970 UTC is the service's own range check (422)
    const ancient = await sut
      .http()
      .get(`/internal/v1/interactions?from=${encodeURIComponent('1900-01-01T00:00:00Z')}`)
      .set(await sut.as(TEST_CALLERS.admin));
    expect(ancient.status).toBe(400);
    expect(ancient.body).toMatchObject({ errors: [{ field: 'from' }] });
    const edge = await sut
      .http()
      .get(`/internal/v1/interactions?from=${encodeURIComponent('1970-01-01T00:00:00+08:00')}`)
      .set(await sut.as(TEST_CALLERS.admin));
    expect(edge.status).toBe(422);
    expect(edge.body).toMatchObject({ code: 'invalid-range', errors: [{ field: 'from' }] });
  });
});
