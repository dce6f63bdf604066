import { randomBytes, randomUUID } from 'node:crypto';
import { adminClient, bearer, customerRequest, stackInfo, textBody, uniqueTag } from '@rapport/testing';
import { parse } from 'csv-parse/sync';
import { Client } from 'pg';
import request from 'supertest';

/**
 * The audit log is complete: whose data every unmasked list, search, segment read and export
 * handed out (GET /api/v1/admin/audit?customerId=…, /audit/{auditId}/subjects), every change to
 * segments, teams and the loyalty programme with who, which client, what, when and the trace id,
 * and both audit tables append-only for the gateway's own database connection.
 * (Single reads, masking and the actor filter: security.e2e-spec.ts.)
 */
const PACE_MS = 1000 / 12;
let nextSlot = 0;
function paced(test: request.Test): request.Test {
  const end = test.end.bind(test);
  test.end = (callback) => {
    const now = Date.now();
    nextSlot = Math.max(nextSlot, now) + PACE_MS;
    setTimeout(() => end(callback), nextSlot - PACE_MS - now);
    return test;
  };
  return test;
}

type User = 'admin' | 'agent1' | 'analyst';

interface Entry {
  id: number;
  at: string;
  actor: string;
  clientId?: string;
  roles: string[];
  action: string;
  resourceType: string;
  resourceId?: string;
  piiUnmasked: boolean;
  status: number;
  traceId?: string;
  requestId?: string;
  subjectCount: number;
}

describe('audit log', () => {
  const agent = () => request(stackInfo().gatewayUrl);
  const auth: Partial<Record<User, string>> = {};
  let db: Client;
  let gatewayDb: Client;
  const tag = uniqueTag('audit');
  const name = `审计测试${tag.slice(-8)}`;
  const customers: string[] = [];

  /** A call as `who`, with its own request id and trace id, to find its entry by. */
  const call = (who: User, method: 'get' | 'post' | 'put' | 'patch' | 'delete', url: string) => {
    const requestId = `audit-${randomUUID()}`;
    const traceId = randomBytes(16).toString('hex');
    const test = paced(
      agent()
        [method](url)
        .set('authorization', auth[who]!)
        .set('x-request-id', requestId)
        .set('traceparent', `00-${traceId}-${randomBytes(8).toString('hex')}-01`),
    );
    return { test, requestId, traceId };
  };

  const entries = async (query: Record<string, string | number>): Promise<Entry[]> =>
    (
      await paced(
        agent()
          .get('/api/v1/admin/audit')
          .query({ limit: 200, ...query })
          .set('authorization', auth.admin!),
      ).expect(200)
    ).body.items;

  const subjectsOf = async (auditId: number, limit = 1000): Promise<string[]> => {
    const all: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await paced(
        agent()
          .get(`/api/v1/admin/audit/${auditId}/subjects`)
          .query({ limit, ...(after ? { after } : {}) })
          .set('authorization', auth.admin!),
      ).expect(200);
      all.push(...page.body.items);
      if (!page.body.nextCursor) return all;
      after = page.body.nextCursor;
    }
  };

  /** The client the user's token was issued to (the gateway's `clientId`), if it names one. */
  const clientOf = (who: User): string | undefined => {
    const claims = JSON.parse(Buffer.from(auth[who]!.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    return (claims['client_id'] ?? claims['azp']) as string | undefined;
  };

  /** The one entry a call wrote, with who, which client, when and the trace. */
  const expectEntry = (
    found: Entry[],
    made: { requestId: string; traceId: string },
    who: User,
    what: Partial<Entry>,
  ): Entry => {
    const entry = found.find((e) => e.requestId === made.requestId);
    expect(entry).toMatchObject({ actor: who, traceId: made.traceId, status: expect.any(Number), ...what });
    const clientId = clientOf(who);
    if (clientId) expect(entry!.clientId).toBe(clientId);
    expect(Date.now() - Date.parse(entry!.at)).toBeLessThan(5 * 60_000);
    return entry!;
  };

  beforeAll(async () => {
    db = await adminClient();
    gatewayDb = new Client({ connectionString: stackInfo().serviceEnvs.gateway.DATABASE_URL });
    await gatewayDb.connect();
    for (const who of ['admin', 'agent1', 'analyst'] as const) auth[who] = await bearer(who);
    for (let i = 0; i < 2; i++) {
      const created = await paced(
        agent()
          .post('/api/v1/customers')
          .set('authorization', auth.agent1!)
          .send(customerRequest({ name: `${name}${i}`, tags: [tag] })),
      ).expect(201);
      customers.push(created.body.id);
    }
  });
  afterAll(async () => {
    await gatewayDb.end();
    await db.end();
  });

  it('attributes an unmasked list and search to every customer they handed out', async () => {
    const [x, y] = customers as [string, string];
    const list = call('agent1', 'get', `/api/v1/customers?tag=${tag}&limit=50`);
    const listed = await list.test.expect(200);
    expect(listed.body.items.map((c: { id: string }) => c.id).sort()).toEqual([x, y].sort());
    const search = call('agent1', 'get', `/api/v1/customers/search?q=${encodeURIComponent(name)}`);
    const found = await search.test.expect(200);
    expect(found.body.items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([x, y]));
    const read = call('agent1', 'get', `/api/v1/customers/${x}`);
    await read.test.expect(200);

    const aboutX = await entries({ customerId: x });
    const listEntry = expectEntry(aboutX, list, 'agent1', {
      action: 'customer.list',
      resourceType: 'customer',
      piiUnmasked: true,
      subjectCount: 2,
    });
    expect(listEntry.resourceId).toBeUndefined();
    const searchEntry = expectEntry(aboutX, search, 'agent1', {
      action: 'customer.search',
      piiUnmasked: true,
      subjectCount: found.body.items.length,
    });
    // a single read keeps its resourceId and is found the same way
    expectEntry(aboutX, read, 'agent1', { action: 'customer.read', resourceId: x, subjectCount: 1 });
    // the creation is still about the customer, as before
    expect(aboutX.map((e) => e.action)).toContain('customer.create');
    expect(aboutX.map((e) => e.id)).toEqual([...aboutX.map((e) => e.id)].sort((a, b) => b - a)); // newest first

    expect((await subjectsOf(listEntry.id)).sort()).toEqual([x, y].sort());
    expect(await subjectsOf(searchEntry.id)).toContain(x);
    // keyset paging of the subjects
    const first = await paced(
      agent().get(`/api/v1/admin/audit/${listEntry.id}/subjects?limit=1`).set('authorization', auth.admin!),
    ).expect(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toBe(first.body.items[0]);
    const second = await paced(
      agent()
        .get(`/api/v1/admin/audit/${listEntry.id}/subjects`)
        .query({ limit: 1, after: first.body.nextCursor })
        .set('authorization', auth.admin!),
    ).expect(200);
    expect([...first.body.items, ...second.body.items].sort()).toEqual([x, y].sort());

    // the other customer's question has the same answer for the list, and not the single read
    const aboutY = await entries({ customerId: y });
    expect(aboutY.map((e) => e.requestId)).toEqual(expect.arrayContaining([list.requestId, search.requestId]));
    expect(aboutY.map((e) => e.requestId)).not.toContain(read.requestId);
  });

  it('attributes a CSV export to every customer of the file', async () => {
    const csv = call('agent1', 'get', '/api/v1/customers/export.csv');
    const response = await csv.test.buffer(true).parse(textBody).expect(200);
    const rows = parse(response.body as string, { columns: true, bom: true }) as Array<{ id: string }>;
    const ids = rows.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(customers));

    const entry = expectEntry(await entries({ customerId: customers[0]! }), csv, 'agent1', {
      action: 'customer.export',
      resourceType: 'customer',
      piiUnmasked: true,
      subjectCount: ids.length,
    });
    expect((await subjectsOf(entry.id)).sort()).toEqual([...ids].sort());
  });

  it('records no read for a caller who got the data masked', async () => {
    const list = call('analyst', 'get', `/api/v1/customers?tag=${tag}`);
    expect((await list.test.expect(200)).body.items).toHaveLength(2);
    const search = call('analyst', 'get', `/api/v1/customers/search?q=${encodeURIComponent(name)}`);
    await search.test.expect(200);
    const csv = call('analyst', 'get', '/api/v1/customers/export.csv');
    await csv.test.buffer(true).parse(textBody).expect(200);

    const byAnalyst = await entries({ actor: 'analyst' });
    const mine = [list, search, csv].map((c) => c.requestId);
    expect(byAnalyst.filter((e) => mine.includes(e.requestId!))).toEqual([]);
    expect((await entries({ customerId: customers[0]! })).map((e) => e.actor)).not.toContain('analyst');
  });

  it('records segment changes and member reads with the customers they touched', async () => {
    const [x] = customers as [string];
    const create = call('agent1', 'post', '/api/v1/segments');
    const segment = (await create.test.send({ name: `名单 ${tag}`, kind: 'static' }).expect(201)).body as {
      id: string;
    };
    const add = call('agent1', 'post', `/api/v1/segments/${segment.id}/members`);
    await add.test.send({ customerIds: [x] }).expect(200);
    const members = call('agent1', 'get', `/api/v1/segments/${segment.id}/members`);
    expect((await members.test.expect(200)).body.items.map((c: { id: string }) => c.id)).toEqual([x]);
    const exported = call('agent1', 'get', `/api/v1/segments/${segment.id}/export`);
    await exported.test.buffer(true).parse(textBody).expect(200);
    const remove = call('agent1', 'delete', `/api/v1/segments/${segment.id}/members`);
    await remove.test.send({ customerIds: [x] }).expect(200);
    const update = call('agent1', 'patch', `/api/v1/segments/${segment.id}`);
    await update.test.send({ description: 'audited' }).expect(200);
    const remove2 = call('agent1', 'delete', `/api/v1/segments/${segment.id}`);
    await remove2.test.expect(204);

    const aboutSegment = await entries({ resourceType: 'segment', resourceId: segment.id });
    const change = { resourceType: 'segment', resourceId: segment.id, piiUnmasked: false };
    expectEntry(aboutSegment, create, 'agent1', { action: 'segment.create', ...change, status: 201 });
    expectEntry(aboutSegment, update, 'agent1', { action: 'segment.update', ...change });
    expectEntry(aboutSegment, remove2, 'agent1', { action: 'segment.delete', ...change, status: 204 });
    const aboutX = await entries({ customerId: x });
    for (const [made, action] of [
      [add, 'segment.members.add'],
      [members, 'segment.members'],
      [exported, 'segment.export'],
      [remove, 'segment.members.remove'],
    ] as const) {
      const entry = expectEntry(aboutX, made, 'agent1', { action, resourceId: segment.id, subjectCount: 1 });
      expect(await subjectsOf(entry.id)).toEqual([x]);
    }
  });

  it('records team and loyalty programme changes with who, which client, what, when and the trace', async () => {
    const team = `audit-${randomUUID().slice(0, 8)}`;
    const teamChange = call('admin', 'put', `/api/v1/teams/${team}/members`);
    await teamChange.test.send({ userIds: [`${team}-m1`, `${team}-m2`] }).expect(200);
    expectEntry(await entries({ resourceType: 'team', resourceId: team }), teamChange, 'admin', {
      action: 'team.members.replace',
      resourceType: 'team',
      resourceId: team,
      piiUnmasked: false,
      subjectCount: 0,
    });

    const current = await paced(agent().get('/api/v1/loyalty/programme').set('authorization', auth.admin!)).expect(200);
    const programme = call('admin', 'patch', '/api/v1/loyalty/programme');
    await programme.test
      .send({ version: current.body.version, config: { campaigns: current.body.config.campaigns ?? [] } })
      .expect(200);
    expectEntry(await entries({ actor: 'admin', resourceType: 'programme' }), programme, 'admin', {
      action: 'loyalty.programme.update',
      resourceType: 'programme',
      resourceId: 'loyalty',
      status: 200,
    });
  });

  it('answers the subjects of an entry to admins only, for an entry that exists', async () => {
    const [latest] = await entries({ customerId: customers[0]!, limit: 1 });
    await paced(agent().get(`/api/v1/admin/audit/${latest!.id}/subjects`).set('authorization', auth.agent1!)).expect(
      403,
    );
    await paced(agent().get(`/api/v1/admin/audit/${latest!.id}/subjects`)).expect(401);
    const missing = await paced(
      agent().get(`/api/v1/admin/audit/${Number.MAX_SAFE_INTEGER}/subjects`).set('authorization', auth.admin!),
    ).expect(404);
    expect(missing.body.type).toBe('https://rapport.dev/problems/not-found');
    for (const bad of ['0', 'x', randomUUID(), '99999999999999999999']) {
      const response = await paced(
        agent().get(`/api/v1/admin/audit/${bad}/subjects`).set('authorization', auth.admin!),
      ).expect(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'auditId' })]);
    }
    await paced(
      agent().get(`/api/v1/admin/audit/${latest!.id}/subjects?limit=1001`).set('authorization', auth.admin!),
    ).expect(400);
  });

  it('is append-only for the gateway’s own database connection, both tables', async () => {
    expect((await gatewayDb.query('SELECT current_user AS role')).rows[0].role).toBe('gateway');
    const [entry] = await entries({ customerId: customers[0]!, limit: 1 });
    const attempts = [
      ['UPDATE gateway.audit_log SET actor = $1 WHERE id = $2', ['nobody', entry!.id]],
      ['DELETE FROM gateway.audit_log WHERE id = $1', [entry!.id]],
      ['UPDATE gateway.audit_subjects SET customer_id = $1 WHERE audit_id = $2', [randomUUID(), entry!.id]],
      ['DELETE FROM gateway.audit_subjects WHERE audit_id = $1', [entry!.id]],
      ['TRUNCATE gateway.audit_subjects', []],
    ] as const;
    for (const [sql, params] of attempts) {
      await expect(gatewayDb.query(sql, [...params])).rejects.toThrow('append-only');
    }
    const still = await db.query(
      `SELECT l.actor, (SELECT count(*)::int FROM gateway.audit_subjects s WHERE s.audit_id = l.id) AS subjects
         FROM gateway.audit_log l WHERE l.id = $1`,
      [entry!.id],
    );
    expect(still.rows[0]).toEqual({ actor: entry!.actor, subjects: entry!.subjectCount });
  });
});
