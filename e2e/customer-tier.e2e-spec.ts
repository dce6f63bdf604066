import { randomUUID } from 'node:crypto';
import { createEnvelope, CustomerScoredV1, Topics, toBinaryMode } from '@rapport/contracts';
import type { MessageBus, RecordProducer } from '@rapport/platform-messaging';
import { signIdentity, IDENTITY_HEADER, type CallerIdentity } from '@rapport/platform-runtime';
import { adminClient, bearer, customerRequest, eventually, stackInfo, testBus, uniqueTag } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * The value tier analytics scores on the customer record (read, filtered, never masked) and round
 * robin on create: `assign` deals a new customer to the next member of a team in the same
 * transaction as the create (customer.created and ownership.changed together, or nothing).
 */
describe('customer value tier and round robin on create', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  let bus: MessageBus;
  let producer: RecordProducer;
  let agent1: string;
  let analyst: string;
  let manager: string;
  let admin: string;
  const CREATED = 'rapport.customer-profile.customer.created.v1';
  const OWNERSHIP = 'rapport.customer-profile.ownership.changed.v1';

  beforeAll(async () => {
    db = await adminClient();
    bus = testBus();
    producer = bus.producer();
    [agent1, analyst, manager, admin] = await Promise.all([
      bearer('agent1'),
      bearer('analyst'),
      bearer('manager'),
      bearer('admin'),
    ]);
  });
  afterAll(async () => {
    await producer.disconnect();
    await bus.close();
    await db.end();
  });

  const create = async (body: Record<string, unknown>, who: string) => {
    const response = await gateway().post('/api/v1/customers').set('authorization', who).send(body);
    expect(response.status).toBe(201);
    return response.body as {
      id: string;
      ownerId: string | null;
      team: string | null;
      valueTier: string | null;
      version: number;
    };
  };
  const score = async (customerId: string, valueTier: 'A' | 'B' | 'C') => {
    const event = createEnvelope(CustomerScoredV1, customerId, {
      customerId,
      recency: 3,
      frequency: 3,
      monetary: 3,
      valueTier,
      churnRisk: 0.2,
      scoredAt: new Date().toISOString(),
    });
    await producer.send([{ topic: Topics.scores.name, ...toBinaryMode(event) }]);
    await eventually(
      async () =>
        (await db.query(`SELECT 1 FROM customer_profile.inbox WHERE event_id = $1`, [event.id])).rowCount === 1,
      30_000,
      `score ${event.id} consumed`,
    );
  };
  const events = async (id: string) =>
    (
      await db.query(
        `SELECT event_type, payload FROM customer_profile.outbox WHERE message_key = $1 AND event_type = ANY($2) ORDER BY seq`,
        [id, [CREATED, OWNERSHIP]],
      )
    ).rows.map((r: { event_type: string; payload: string }) => ({ type: r.event_type, ...JSON.parse(r.payload) }));
  const namedCount = async (name: string) =>
    Number((await db.query(`SELECT count(*) FROM customer_profile.customers WHERE name = $1`, [name])).rows[0].count);
  const newTeam = async (size = 3): Promise<{ team: string; members: string[] }> => {
    const team = `rrc-${randomUUID().slice(0, 8)}`;
    const members = Array.from({ length: size }, (_, i) => `${team}-m${i + 1}`);
    await gateway()
      .put(`/api/v1/teams/${team}/members`)
      .set('authorization', admin)
      .send({ userIds: members })
      .expect(200);
    return { team, members };
  };
  const nextUserId = async (team: string) =>
    (await gateway().get(`/api/v1/teams/${team}`).set('authorization', admin).expect(200)).body.nextUserId as
      string | null;

  describe('value tier', () => {
    it('shows the tier analytics scored in GET /customers/{id}, unmasked, and null before any score', async () => {
      const { id, valueTier } = await create(customerRequest(), agent1);
      expect(valueTier).toBeNull();
      await score(id, 'A');
      const own = await gateway().get(`/api/v1/customers/${id}`).set('authorization', agent1).expect(200);
      expect(own.body).toMatchObject({ id, valueTier: 'A', version: 1 });
      // not personal data: the analyst (no pii:read) sees it as it is
      const masked = await gateway().get(`/api/v1/customers/${id}`).set('authorization', analyst).expect(200);
      expect(masked.body.valueTier).toBe('A');
      expect(masked.body.email).toMatch(/\*\*\*/);
    });

    it('filters the list by tier (GET /customers?tier=A), with the other filters and row-level visibility', async () => {
      const tag = uniqueTag('tier');
      const a = await create(customerRequest({ tags: [tag] }), agent1);
      const b = await create(customerRequest({ tags: [tag] }), agent1);
      const unscored = await create(customerRequest({ tags: [tag] }), agent1);
      await score(a.id, 'A');
      await score(b.id, 'B');
      const list = async (query: Record<string, string>, who = agent1) =>
        (
          (await gateway().get('/api/v1/customers').query(query).set('authorization', who).expect(200)).body.items as {
            id: string;
            valueTier: string | null;
          }[]
        ).map((c) => [c.id, c.valueTier]);
      expect(await list({ tag, tier: 'A' })).toEqual([[a.id, 'A']]);
      expect(await list({ tag, tier: 'B' })).toEqual([[b.id, 'B']]);
      expect(await list({ tag, tier: 'C' })).toEqual([]);
      expect(await list({ tag, sort: 'createdAt' })).toEqual([
        [a.id, 'A'],
        [b.id, 'B'],
        [unscored.id, null],
      ]);
      // agent2 (south) does not see agent1's customers, whatever the tier
      expect(await list({ tag, tier: 'A' }, await bearer('agent2'))).toEqual([]);
    });

    it('refuses a bad tier with a 400 naming tier', async () => {
      for (const tier of ['D', 'a', '']) {
        const response = await gateway()
          .get('/api/v1/customers')
          .query({ tier })
          .set('authorization', agent1)
          .expect(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body.errors.map((e: { field: string }) => e.field)).toContain('tier');
      }
      await gateway().get('/api/v1/customers?tier=A').expect(401);
    });
  });

  describe('round robin on create', () => {
    it('deals new customers over the team’s members in turn, created and assigned in one transaction', async () => {
      const { team, members } = await newTeam();
      const created = [];
      for (let i = 0; i < 4; i++)
        created.push(await create(customerRequest({ assign: { rule: 'round-robin', team } }), admin));
      expect(created.map((c) => c.ownerId)).toEqual([...members, members[0]]);
      expect(created.every((c) => c.team === team)).toBe(true);
      expect(await nextUserId(team)).toBe(members[1]);
      const [first] = created;
      expect(await events(first!.id)).toEqual([
        expect.objectContaining({ type: CREATED, customerId: first!.id }),
        expect.objectContaining({
          type: OWNERSHIP,
          customerId: first!.id,
          change: 'assigned',
          ownerId: members[0],
          team,
          previousOwnerId: null,
          reason: `round robin in team ${team}`,
        }),
      ]);
      const history = await gateway()
        .get(`/api/v1/customers/${first!.id}/ownership-history`)
        .set('authorization', admin)
        .expect(200);
      expect(history.body.items).toEqual([
        expect.objectContaining({ change: 'assigned', ownerId: members[0], team, changedBy: 'admin' }),
      ]);
      // the manager of the team sees the customer; the member owns it
      const view = await gateway().get(`/api/v1/customers/${created[1]!.id}`).set('authorization', admin).expect(200);
      expect(view.body).toMatchObject({ ownerId: members[1], team });
    });

    it('lets a manager deal within their own team; without assign the creator still owns the customer', async () => {
      await gateway()
        .put('/api/v1/teams/north/members')
        .set('authorization', manager)
        .send({ userIds: ['north-rrc-1', 'north-rrc-2'] })
        .expect(200);
      const dealt = await create(customerRequest({ assign: { rule: 'round-robin', team: 'north' } }), manager);
      expect(dealt).toMatchObject({ ownerId: 'north-rrc-1', team: 'north' });
      const own = await create(customerRequest(), manager);
      expect(own).toMatchObject({ ownerId: 'manager', team: 'north', version: 1 });
      expect(await events(own.id)).toEqual([expect.objectContaining({ type: CREATED, ownerId: 'manager' })]);
    });

    it('deals a department client’s customers (otherwise pooled) into any team', async () => {
      const { team, members } = await newTeam(2);
      // The demo provider's department client has no customers:write, so this speaks to
      // customer-profile with the identity the gateway would sign for such a client.
      const client: CallerIdentity = {
        sub: 'demo-crm-sync',
        roles: ['integration'],
        scopes: ['customers:read', 'customers:write'],
        clientId: 'demo-crm-sync',
      };
      const service = async (body: object) =>
        request(stackInfo().serviceUrls['customer-profile'])
          .post('/internal/v1/customers')
          .set(IDENTITY_HEADER, await signIdentity(client, stackInfo().internalAuthSecret))
          .send(body);
      const pooled = await service(customerRequest()).then((r) => r.body);
      expect(pooled).toMatchObject({ ownerId: null, team: null });
      const dealt = [];
      for (let i = 0; i < 3; i++)
        dealt.push((await service(customerRequest({ assign: { rule: 'round-robin', team } }))).body);
      expect(dealt.map((c) => [c.ownerId, c.team])).toEqual([
        [members[0], team],
        [members[1], team],
        [members[0], team],
      ]);
      const empty = `rrc-empty-${randomUUID().slice(0, 8)}`;
      await gateway()
        .put(`/api/v1/teams/${empty}/members`)
        .set('authorization', admin)
        .send({ userIds: [] })
        .expect(200);
      const refused = await service(customerRequest({ assign: { rule: 'round-robin', team: empty } })).then((r) => r);
      expect(refused.status).toBe(422);
      expect(refused.body.errors[0].field).toBe('assign.team');
    });

    it('refuses a bad rule or team (400), a team without members (422), agents and other teams (403), writing nothing', async () => {
      const { team } = await newTeam();
      const attempt = async (assign: unknown, who = admin) => {
        const name = `轮询拒绝${randomUUID().slice(0, 8)}`;
        const response = await gateway()
          .post('/api/v1/customers')
          .set('authorization', who)
          .send(customerRequest({ name, assign }));
        expect(await namedCount(name)).toBe(0);
        return response;
      };
      const badRule = await attempt({ rule: 'random', team });
      expect(badRule.status).toBe(400);
      expect(badRule.body.errors.map((e: { field: string }) => e.field)).toEqual(['assign.rule']);
      expect((await attempt({ rule: 'round-robin', team: 'no such team!' })).body.errors[0].field).toBe('assign.team');
      expect((await attempt({ rule: 'round-robin' })).status).toBe(400);
      expect((await attempt({ rule: 'round-robin', team, extra: 1 })).status).toBe(400);
      expect((await attempt('round-robin')).status).toBe(400);

      const empty = `rrc-empty-${randomUUID().slice(0, 8)}`;
      await gateway()
        .put(`/api/v1/teams/${empty}/members`)
        .set('authorization', admin)
        .send({ userIds: [] })
        .expect(200);
      const noMembers = await attempt({ rule: 'round-robin', team: empty });
      expect(noMembers.status).toBe(422);
      expect(noMembers.body).toMatchObject({
        detail: `team ${empty} has no members`,
        errors: [{ field: 'assign.team', message: `team ${empty} has no members` }],
      });
      const unknown = await attempt({ rule: 'round-robin', team: `nope-${randomUUID().slice(0, 8)}` });
      expect(unknown.status).toBe(422);
      expect(unknown.body.errors[0].field).toBe('assign.team');

      const agent = await attempt({ rule: 'round-robin', team }, agent1);
      expect(agent.status).toBe(403);
      expect(agent.body.errors[0].field).toBe('assign.team');
      expect((await attempt({ rule: 'round-robin', team: 'south' }, manager)).status).toBe(403);
      expect(await nextUserId(team)).toBe(`${team}-m1`);

      // assign belongs to the create only
      const { id } = await create(customerRequest(), admin);
      const patch = await gateway()
        .patch(`/api/v1/customers/${id}`)
        .set('authorization', admin)
        .send({ assign: { rule: 'round-robin', team } })
        .expect(400);
      expect(patch.body.errors[0].field).toBe('assign');
    });

    it('creates and assigns once for a create retried with the same Idempotency-Key', async () => {
      const { team, members } = await newTeam();
      const key = `rrc-${randomUUID()}`;
      const body = customerRequest({ assign: { rule: 'round-robin', team } });
      const send = () =>
        gateway().post('/api/v1/customers').set('authorization', admin).set('idempotency-key', key).send(body);
      const first = await send().expect(201);
      const retry = await send().expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(first.body.ownerId).toBe(members[0]);
      expect(await namedCount(body['name'] as string)).toBe(1);
      expect((await events(first.body.id)).map((e) => e.type)).toEqual([CREATED, OWNERSHIP]);
      expect(await nextUserId(team)).toBe(members[1]);
    });
  });
});
