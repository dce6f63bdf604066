import { randomUUID } from 'node:crypto';
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
  type TestCaller,
} from '@rapport/testing';
import { AppModule } from '../app.module';
import { customerCreated } from '../../test/factories/customer-events';
import { ticketRequest } from '../../test/factories/tickets';
import { customerScored, publishTierEvents, tierChanged } from '../../test/factories/tier-events';

/**
 * Medium tier: queues and the routing of new tickets, with service-desk booted in this process against
 * the stack's PostgreSQL and Kafka. Each test routes by a category of its own, so the queues it puts
 * take no other test's tickets (the stack's database is shared).
 */
describe('queues and routing in service-desk (in process)', () => {
  let sut: InProcessService;
  let clients: ServiceTestClients;
  const southManager: TestCaller = { sub: 'manager-south', roles: ['manager'], team: 'south' };

  beforeAll(async () => {
    clients = await openServiceTestClients();
    sut = await startServiceInProcess('service-desk', AppModule);
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
    await closeServiceTestClients(clients);
  });

  const knownCustomer = async (): Promise<string> => {
    const event = customerCreated();
    await publishCustomerEvents(clients.producer, event);
    await handledBy(clients.db, 'service_desk', event);
    return event.data.customerId;
  };

  const putQueue = async (name: string, body: Record<string, unknown>, caller: TestCaller = TEST_CALLERS.admin) =>
    sut
      .http()
      .put(`/internal/v1/queues/${name}`)
      .set(await sut.as(caller))
      .send(body);

  const open = async (customerId: string, overrides: Record<string, unknown> = {}, caller = TEST_CALLERS.agent1) =>
    (
      await sut
        .http()
        .post('/internal/v1/tickets')
        .set(await sut.as(caller))
        .send(ticketRequest(customerId, overrides))
        .expect(201)
    ).body as { id: string; queue: string; assignee: string | null; vip: boolean; receivedAt: string };

  const unique = () => randomUUID().slice(0, 8);

  describe('the queues API', () => {
    it('creates (201), replaces (200) and reads a queue; lists them in rule order', async () => {
      const name = `q-${unique()}`;
      const body = {
        team: 'north',
        lead: 'manager',
        members: ['agent1', 'agent3'],
        assignment: 'round-robin',
        match: { types: ['inquiry'], categories: [`cat-${name}`] },
        priority: 5,
      };
      const created = await putQueue(name, body, TEST_CALLERS.manager);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ ...body, name, available: null, vip: false });
      const replaced = await putQueue(name, { ...body, available: ['agent3'], priority: 6 }, TEST_CALLERS.manager);
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ available: ['agent3'], priority: 6 });
      const read = await sut
        .http()
        .get(`/internal/v1/queues/${name}`)
        .set(await sut.as(TEST_CALLERS.agent2))
        .expect(200);
      expect(read.body.match).toEqual(body.match);
      const list = await sut
        .http()
        .get('/internal/v1/queues')
        .set(await sut.as(TEST_CALLERS.agent1))
        .expect(200);
      const names = list.body.items.map((q: { name: string }) => q.name) as string[];
      expect(names[0]).toBe('vip');
      expect(names[names.length - 1]).toBe('general');
      expect(names).toContain(name);
      await sut
        .http()
        .get('/internal/v1/queues/no-such-queue')
        .set(await sut.as(TEST_CALLERS.agent1))
        .expect(404);
    });

    it('lets only an admin or the manager of the queue’s team change it; refuses bad input with 400 naming the field', async () => {
      const name = `q-${unique()}`;
      const body = { team: 'north', members: [], assignment: 'manual' };
      expect((await putQueue(name, body, TEST_CALLERS.agent1)).status).toBe(403);
      expect((await putQueue(name, body, southManager)).status).toBe(403);
      expect((await putQueue(name, body, TEST_CALLERS.manager)).status).toBe(201);
      // the south manager can neither take the north queue over
      expect((await putQueue(name, { ...body, team: 'south' }, southManager)).status).toBe(403);
      const bad = await putQueue(name, { ...body, assignment: 'lottery' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('assignment');
      const badMatch = await putQueue(name, { ...body, match: { channels: ['pigeon'] } });
      expect(badMatch.status).toBe(400);
      expect(badMatch.body.errors[0].field).toMatch(/^match\.channels/);
      expect((await putQueue('Not_A_Name', body)).status).toBe(400);
      const secondVip = await putQueue(name, { ...body, vip: true });
      expect(secondVip.status).toBe(409);
      expect(secondVip.body.code).toBe('one-vip-queue');
    });
  });

  describe('routing', () => {
    it('routes by type, category and channel to the first matching queue by priority, else to general; history and event say so', async () => {
      const category = `cat-${unique()}`;
      await putQueue(`social-${category}`, {
        team: 'north',
        members: [],
        assignment: 'manual',
        match: { types: ['inquiry'], channels: ['weibo', 'wechat'], categories: [category] },
        priority: 20,
      }).then((r) => expect(r.status).toBe(201));
      await putQueue(`weibo-${category}`, {
        team: 'north',
        members: [],
        assignment: 'manual',
        match: { channels: ['weibo'], categories: [category] },
        priority: 10,
      }).then((r) => expect(r.status).toBe(201));
      const customerId = await knownCustomer();

      expect((await open(customerId, { type: 'inquiry', channel: 'weibo', category })).queue).toBe(`weibo-${category}`);
      const social = await open(customerId, { type: 'inquiry', channel: 'wechat', category });
      expect(social).toMatchObject({ queue: `social-${category}`, assignee: null, vip: false });
      expect((await open(customerId, { type: 'complaint', channel: 'wechat', category })).queue).toBe('general');
      expect((await open(customerId, { type: 'inquiry', channel: 'phone', category })).queue).toBe('general');

      const history = await sut
        .http()
        .get(`/internal/v1/tickets/${social.id}/history`)
        .set(await sut.as(TEST_CALLERS.agent1))
        .expect(200);
      expect(history.body.items[0]).toMatchObject({
        kind: 'created',
        actor: 'agent1',
        routing: { queue: `social-${category}`, reason: 'match', assignee: null, assignment: 'manual' },
      });
      const [created] = (
        await clients.db.query<{ payload: string }>(
          `SELECT payload FROM service_desk.outbox WHERE event_type = 'rapport.service-desk.ticket.created.v1'
            AND payload::jsonb->>'ticketId' = $1`,
          [social.id],
        )
      ).rows;
      expect(JSON.parse(created!.payload)).toMatchObject({
        queue: `social-${category}`,
        routedBy: 'match',
        vip: false,
      });

      const filtered = await sut
        .http()
        .get('/internal/v1/tickets')
        .query({ queue: `social-${category}` })
        .set(await sut.as(TEST_CALLERS.admin))
        .expect(200);
      expect(filtered.body.items.map((t: { id: string }) => t.id)).toEqual([social.id]);
    });

    it('sends a VIP customer’s tickets (loyalty’s top tier, or value tier A) to the VIP queue and lists them first', async () => {
      const normal = await knownCustomer();
      const older = await open(normal, { receivedAt: new Date(Date.now() - 60_000).toISOString() });
      expect(older).toMatchObject({ vip: false });
      expect(older.queue).not.toBe('vip');

      const platinum = await knownCustomer();
      const tier = tierChanged(platinum, 'platinum', 'gold');
      await publishTierEvents(clients.producer, tier);
      await handledBy(clients.db, 'service_desk', tier);
      const vipTicket = await open(platinum, { receivedAt: new Date(Date.now() - 120_000).toISOString() });
      expect(vipTicket).toMatchObject({ queue: 'vip', vip: true });

      const scoredA = await knownCustomer();
      const score = customerScored(scoredA, 'A');
      await publishTierEvents(clients.producer, score);
      await handledBy(clients.db, 'service_desk', score);
      expect(await open(scoredA)).toMatchObject({ queue: 'vip', vip: true });

      // a later tier B (and a loyalty tier below the top) makes the customer an ordinary one again
      const demoted = customerScored(scoredA, 'B');
      await publishTierEvents(clients.producer, demoted);
      await handledBy(clients.db, 'service_desk', demoted);
      expect(await open(scoredA)).toMatchObject({ vip: false });
    });

    it('lists VIP tickets first, then the earliest SLA due time, paging with a cursor that crosses from VIP to normal', async () => {
      const customerId = await knownCustomer();
      // working days in Shanghai (a Tuesday and a Monday): c is due before b
      const b = await open(customerId, { receivedAt: '2026-11-03T02:00:00Z' });
      const c = await open(customerId, { receivedAt: '2026-11-02T02:00:00Z' });
      // the customer reaches loyalty's top tier: their next ticket, received later, still comes first
      const tier = tierChanged(customerId, 'platinum', 'gold');
      await publishTierEvents(clients.producer, tier);
      await handledBy(clients.db, 'service_desk', tier);
      const a = await open(customerId, { receivedAt: '2026-11-04T02:00:00Z' });
      expect(a).toMatchObject({ queue: 'vip', vip: true });
      const caller = await sut.as(TEST_CALLERS.admin);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await sut
          .http()
          .get('/internal/v1/tickets')
          .query({ customerId, limit: 1, ...(cursor ? { cursor } : {}) })
          .set(caller)
          .expect(200);
        seen.push(...page.body.items.map((t: { id: string }) => t.id));
        cursor = page.body.nextCursor ?? undefined;
      } while (cursor && seen.length < 10);
      expect(seen).toEqual([a.id, c.id, b.id]);
    });
  });

  describe('assignment', () => {
    it('round-robin deals 10 concurrent new tickets out fairly (±1) among the available members', async () => {
      const category = `cat-${unique()}`;
      const members = [`rr-a-${category}`, `rr-b-${category}`, `rr-c-${category}`];
      await putQueue(`rr-${category}`, {
        team: 'north',
        lead: 'manager',
        members,
        available: [members[0], members[1]],
        assignment: 'round-robin',
        match: { categories: [category] },
      }).then((r) => expect(r.status).toBe(201));
      const customerId = await knownCustomer();
      const tickets = await Promise.all(Array.from({ length: 10 }, () => open(customerId, { category })));
      const counts = new Map<string | null, number>();
      for (const t of tickets) counts.set(t.assignee, (counts.get(t.assignee) ?? 0) + 1);
      expect([...counts.keys()].sort()).toEqual([members[0], members[1]]);
      const values = [...counts.values()];
      expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
    });

    it('least-loaded gives a new ticket to the member with the fewest open tickets', async () => {
      const category = `cat-${unique()}`;
      const [busy, idle] = [`ll-busy-${category}`, `ll-idle-${category}`];
      await putQueue(`ll-${category}`, {
        team: 'north',
        members: [busy, idle],
        assignment: 'least-loaded',
        match: { categories: [category] },
      }).then((r) => expect(r.status).toBe(201));
      const customerId = await knownCustomer();
      // two open tickets given to busy by hand (an assignee chosen by the caller stays)
      for (let i = 0; i < 2; i++)
        expect((await open(customerId, { category, assignee: busy }, TEST_CALLERS.manager)).assignee).toBe(busy);
      expect((await open(customerId, { category })).assignee).toBe(idle);
      expect((await open(customerId, { category })).assignee).toBe(idle);
      // 2 and 2: the tie goes to the first member
      expect((await open(customerId, { category })).assignee).toBe(busy);
    });

    it('gives a ticket routed into another team’s queue to that team, and shows the queue’s members its unassigned tickets', async () => {
      const category = `cat-${unique()}`;
      await putQueue(`pool-${category}`, {
        team: 'south',
        members: ['agent2'],
        assignment: 'manual',
        match: { categories: [category] },
      }).then((r) => expect(r.status).toBe(201));
      const customerId = await knownCustomer();
      // opened by north's agent1 for team north, routed to south's queue: south's from now on; agent2
      // sees it as a member of the queue, south's manager as the team's
      const ticket = await open(customerId, { category });
      expect(ticket).toMatchObject({ queue: `pool-${category}`, assignee: null, team: 'south' });
      for (const caller of [TEST_CALLERS.agent2, southManager])
        await sut
          .http()
          .get(`/internal/v1/tickets/${ticket.id}`)
          .set(await sut.as(caller))
          .expect(200);
      // one the caller assigns (to themselves) stays with the caller's team, in the queue routing chose
      const kept = await open(customerId, { category, assignee: 'agent1' });
      expect(kept).toMatchObject({ queue: `pool-${category}`, assignee: 'agent1', team: 'north' });
      const other = await open(customerId);
      await sut
        .http()
        .get(`/internal/v1/tickets/${other.id}`)
        .set(await sut.as(TEST_CALLERS.agent2))
        .expect(404);
    });
  });

  it('keeps the customer’s VIP flag in step with the newest tier events only', async () => {
    const customerId = await knownCustomer();
    const newer = tierChanged(customerId, 'platinum');
    const older = { ...tierChanged(customerId, 'silver'), id: randomUUID() };
    older.data = { ...older.data, occurredAt: new Date(Date.now() - 86_400_000).toISOString() };
    await publishTierEvents(clients.producer, newer);
    await handledBy(clients.db, 'service_desk', newer);
    await publishTierEvents(clients.producer, older);
    await handledBy(clients.db, 'service_desk', older);
    await eventually(
      async () =>
        (
          await clients.db.query(
            'SELECT 1 FROM service_desk.customer_refs WHERE customer_id = $1 AND vip AND loyalty_tier = $2',
            [customerId, 'platinum'],
          )
        ).rowCount === 1,
      5_000,
      'the older tier to be ignored',
    );
  });
});
