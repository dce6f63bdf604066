import { randomUUID } from 'node:crypto';
import { adminClient, bearer, stackInfo } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * Assignment by rule through the gateway: round robin within a team whose members are data
 * (PUT /teams/{team}/members), in turn, concurrency-safe, skipping members at the holding cap,
 * with history and the same ownership.changed event as every assignment.
 */
describe('round-robin assignment through the gateway', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  let admin: string;
  let manager: string;
  let agent1: string;
  const OWNERSHIP = 'rapport.customer-profile.ownership.changed.v1';

  beforeAll(async () => {
    db = await adminClient();
    [admin, manager, agent1] = await Promise.all([bearer('admin'), bearer('manager'), bearer('agent1')]);
  });
  afterAll(async () => {
    await db.end();
  });

  const poolCustomers = async (n: number, team = 'north'): Promise<string[]> => {
    const ids = Array.from({ length: n }, () => randomUUID());
    await db.query(
      `INSERT INTO customer_profile.customers (id, kind, name, owner_id, team) SELECT id, 'person', '轮询测试', NULL, $2 FROM unnest($1::uuid[]) AS id`,
      [ids, team],
    );
    return ids;
  };
  const newTeam = async (size = 3): Promise<{ team: string; members: string[] }> => {
    const team = `rr-${randomUUID().slice(0, 8)}`;
    const members = Array.from({ length: size }, (_, i) => `${team}-m${i + 1}`);
    await gateway()
      .put(`/api/v1/teams/${team}/members`)
      .set('authorization', admin)
      .send({ userIds: members })
      .expect(200);
    return { team, members };
  };
  const assign = (id: string, body: object, who = admin) =>
    gateway().post(`/api/v1/customers/${id}/assign`).set('authorization', who).send(body);
  const ownerOf = async (id: string) =>
    (await db.query(`SELECT owner_id FROM customer_profile.customers WHERE id = $1`, [id])).rows[0].owner_id as
      string | null;
  const events = async (id: string) =>
    (
      await db.query(
        `SELECT payload FROM customer_profile.outbox WHERE message_key = $1 AND event_type = $2 ORDER BY seq`,
        [id, OWNERSHIP],
      )
    ).rows.map((r: { payload: string }) => JSON.parse(r.payload));

  it('deals six customers over three members 2-2-2, in order, with history and events', async () => {
    const { team, members } = await newTeam();
    const view = await gateway().get(`/api/v1/teams/${team}`).set('authorization', agent1).expect(200);
    expect(view.body).toMatchObject({ team, userIds: members, nextUserId: members[0] });
    const ids = await poolCustomers(6);
    const owners: string[] = [];
    for (const id of ids) {
      const response = await assign(id, { rule: 'round-robin', team }).expect(200);
      expect(response.body).toMatchObject({
        customerId: id,
        team,
        lastChange: { change: 'assigned', previousOwnerId: null, reason: `round robin in team ${team}` },
      });
      owners.push(response.body.ownerId);
    }
    expect(owners).toEqual([...members, ...members]);
    expect(await ownerOf(ids[0]!)).toBe(members[0]);
    expect(await events(ids[4]!)).toEqual([
      expect.objectContaining({
        customerId: ids[4],
        change: 'assigned',
        ownerId: members[1],
        team,
        previousOwnerId: null,
        reason: `round robin in team ${team}`,
      }),
    ]);
    const history = await gateway()
      .get(`/api/v1/customers/${ids[2]}/ownership-history`)
      .set('authorization', admin)
      .expect(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({ change: 'assigned', ownerId: members[2], team, changedBy: 'admin' }),
    ]);
    expect((await gateway().get(`/api/v1/teams/${team}`).set('authorization', admin).expect(200)).body.nextUserId).toBe(
      members[0],
    );
    // an owned customer is transferred to the next member in turn, never to its current owner
    const again = await assign(ids[0]!, { rule: 'round-robin', team, reason: 'rebalance' }).expect(200);
    expect(again.body).toMatchObject({
      ownerId: members[1],
      lastChange: { change: 'transferred', previousOwnerId: members[0], reason: 'rebalance' },
    });
  });

  it('never gives the same turn twice when assignments run at once', async () => {
    const { team, members } = await newTeam();
    const ids = await poolCustomers(9);
    const responses = await Promise.all(ids.map((id) => assign(id, { rule: 'round-robin', team })));
    expect(responses.map((r) => r.status)).toEqual(ids.map(() => 200));
    const counts = new Map<string, number>();
    for (const r of responses) counts.set(r.body.ownerId, (counts.get(r.body.ownerId) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(members.map((m) => [m, 3])));
    expect((await gateway().get(`/api/v1/teams/${team}`).set('authorization', admin).expect(200)).body.nextUserId).toBe(
      members[0],
    );
  });

  it('skips a member at the holding cap (POOL_HOLDING_CAP, 50 by default)', async () => {
    const { team, members } = await newTeam();
    const filler = Array.from({ length: 50 }, () => randomUUID());
    await db.query(
      `INSERT INTO customer_profile.customers (id, kind, name, owner_id, team) SELECT id, 'person', 'filler', $2, 'north' FROM unnest($1::uuid[]) AS id`,
      [filler, members[1]],
    );
    try {
      const ids = await poolCustomers(3);
      const owners = [];
      for (const id of ids) owners.push((await assign(id, { rule: 'round-robin', team }).expect(200)).body.ownerId);
      expect(owners).toEqual([members[0], members[2], members[0]]);
      // everyone at the cap: nobody can take it
      await gateway()
        .put(`/api/v1/teams/${team}/members`)
        .set('authorization', admin)
        .send({ userIds: [members[1]] })
        .expect(200);
      const [last] = await poolCustomers(1);
      const full = await assign(last!, { rule: 'round-robin', team }).expect(422);
      expect(full.body.errors[0].field).toBe('team');
      expect(await ownerOf(last!)).toBeNull();
      expect(await events(last!)).toEqual([]);
    } finally {
      await db.query(`DELETE FROM customer_profile.customers WHERE id = ANY($1::uuid[])`, [filler]);
    }
  });

  it('publishes one event for an assignment retried with the same Idempotency-Key', async () => {
    const { team, members } = await newTeam();
    const [id] = await poolCustomers(1);
    const send = () => assign(id!, { rule: 'round-robin', team }).set('idempotency-key', `rr-${id}`);
    const first = await send().expect(200);
    const retry = await send().expect(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await events(id!)).toHaveLength(1);
    expect((await gateway().get(`/api/v1/teams/${team}`).set('authorization', admin).expect(200)).body.nextUserId).toBe(
      members[1],
    );
  });

  it('refuses an unknown rule, bad or unknown teams, agents, other teams and other teams’ customers, writing nothing', async () => {
    const { team } = await newTeam();
    const [id] = await poolCustomers(1);
    const badRule = await assign(id!, { rule: 'random', team }).expect(400);
    expect(badRule.body.errors[0].field).toBe('rule');
    const badTeam = await assign(id!, { rule: 'round-robin', team: 'no such team!' }).expect(400);
    expect(badTeam.body.errors[0].field).toBe('team');
    expect((await assign(id!, { rule: 'round-robin' }).expect(400)).body.errors[0].field).toBe('team');
    await assign(id!, { rule: 'round-robin', team, extra: 1 }).expect(400);
    const unknown = await assign(id!, { rule: 'round-robin', team: `nope-${randomUUID().slice(0, 8)}` }).expect(422);
    expect(unknown.body.errors[0].field).toBe('team');
    const empty = `rr-empty-${randomUUID().slice(0, 8)}`;
    await gateway().put(`/api/v1/teams/${empty}/members`).set('authorization', admin).send({ userIds: [] }).expect(200);
    expect((await assign(id!, { rule: 'round-robin', team: empty }).expect(422)).body.detail).toMatch(/has no members/);
    await assign(id!, { rule: 'round-robin', team }, agent1).expect(403);
    const otherTeam = await assign(id!, { rule: 'round-robin', team: 'south' }, manager).expect(403);
    expect(otherTeam.body.errors[0].field).toBe('team');
    const [south] = await poolCustomers(1, 'south');
    await assign(south!, { rule: 'round-robin', team: 'north' }, manager).expect(404);
    await gateway().post(`/api/v1/customers/${id}/assign`).send({ rule: 'round-robin', team }).expect(401);
    expect(await ownerOf(id!)).toBeNull();
    expect(await events(id!)).toEqual([]);
    expect((await gateway().get(`/api/v1/teams/${team}`).set('authorization', admin).expect(200)).body.nextUserId).toBe(
      `${team}-m1`,
    );
  });

  it('lets a manager keep their own team’s member list and assign in it; refuses the rest', async () => {
    await gateway()
      .put('/api/v1/teams/north/members')
      .set('authorization', manager)
      .send({ userIds: ['north-rr-1', 'north-rr-2'] })
      .expect(200);
    const [id] = await poolCustomers(1);
    const assigned = await assign(id!, { rule: 'round-robin', team: 'north' }, manager).expect(200);
    expect(['north-rr-1', 'north-rr-2']).toContain(assigned.body.ownerId);
    await gateway()
      .put('/api/v1/teams/south/members')
      .set('authorization', manager)
      .send({ userIds: ['x'] })
      .expect(403);
    await gateway()
      .put('/api/v1/teams/north/members')
      .set('authorization', agent1)
      .send({ userIds: ['x'] })
      .expect(403);
    const dup = await gateway()
      .put('/api/v1/teams/north/members')
      .set('authorization', manager)
      .send({ userIds: ['a', 'a'] })
      .expect(400);
    expect(dup.body.errors[0].field).toBe('userIds');
    await gateway().put('/api/v1/teams/north/members').set('authorization', manager).send({ userIds: 'a' }).expect(400);
    await gateway()
      .put('/api/v1/teams/bad%20name/members')
      .set('authorization', admin)
      .send({ userIds: [] })
      .expect(400);
    await gateway()
      .get(`/api/v1/teams/unknown-${randomUUID().slice(0, 8)}`)
      .set('authorization', admin)
      .expect(404);
    await gateway().get('/api/v1/teams/north').expect(401);
    expect((await gateway().get('/api/v1/teams/north').set('authorization', agent1).expect(200)).body.userIds).toEqual([
      'north-rr-1',
      'north-rr-2',
    ]);
  });
});
