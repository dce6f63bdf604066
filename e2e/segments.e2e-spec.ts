import { randomUUID } from 'node:crypto';
import { adminClient, bearer, stackInfo, uniqueTag, userToken, textBody } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * Segments through the gateway: dynamic definitions over fields, tags, geography, custom fields and
 * purchase aggregates; static lists; counts, members and CSV exports limited to what the caller
 * may see; bad definitions refused with the path named and nothing written.
 *
 * The gateway's rate limit is per client and subject: requests are paced below it.
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

type User = 'agent1' | 'agent2' | 'manager' | 'analyst' | 'admin' | 'exec';

describe('segments through the gateway', () => {
  const gateway = () => {
    const agent = request(stackInfo().gatewayUrl);
    return {
      get: (url: string) => paced(agent.get(url)),
      post: (url: string) => paced(agent.post(url)),
      patch: (url: string) => paced(agent.patch(url)),
      delete: (url: string) => paced(agent.delete(url)),
    };
  };
  const auth: Partial<Record<User, string>> = {};
  const subs: Partial<Record<User, string>> = {};
  let db: Client;

  // one tag per run: other data in the stack never matches
  const tag = uniqueTag('seg');
  const scoreKey = `seg_score_${randomUUID().slice(0, 6)}`;
  const ids = { a: '', b: '', c: '', d: '', erased: '', merged: '' };

  const seed = async (fields: {
    owner: User | null;
    team: string | null;
    kind?: string;
    tags: string[];
    city: string;
    score?: number;
    erased?: boolean;
    mergedInto?: string;
  }): Promise<string> => {
    const id = randomUUID();
    const n = id.slice(0, 8);
    await db.query(
      `INSERT INTO customer_profile.customers
         (id, kind, name, email, phone, emails, phones, addresses, tags, custom_fields, owner_id, team, birthday, gender, source_channel, erased_at, merged_into)
       VALUES ($1, $2, $3, $4, $5, ARRAY[$4], ARRAY[$5], $6, $7, $8, $9, $10, '1990-05-17', 'female', 'store', $11, $12)`,
      [
        id,
        fields.kind ?? 'person',
        `分群测试${n}`,
        `seg.${n}@example.com`,
        `+86139${String(parseInt(n, 16) % 100_000_000).padStart(8, '0')}`,
        JSON.stringify([{ country: 'CN', city: fields.city, street: '龙井路 1 号' }]),
        fields.tags,
        JSON.stringify(fields.score === undefined ? {} : { [scoreKey]: fields.score }),
        fields.owner ? subs[fields.owner] : null,
        fields.team,
        fields.erased ? new Date() : null,
        fields.mergedInto ?? null,
      ],
    );
    return id;
  };

  const createSegment = async (body: Record<string, unknown>, who: User = 'agent1') =>
    (
      await gateway()
        .post('/api/v1/segments')
        .set('authorization', auth[who]!)
        .send({ name: `分群 ${tag}`, ...body })
        .expect(201)
    ).body;
  const count = async (id: string, who: User) =>
    (await gateway().get(`/api/v1/segments/${id}/count`).set('authorization', auth[who]!).expect(200)).body
      .count as number;
  const memberIds = async (id: string, who: User) =>
    (
      (await gateway().get(`/api/v1/segments/${id}/members`).set('authorization', auth[who]!).expect(200)).body
        .items as { id: string }[]
    )
      .map((c) => c.id)
      .sort();
  const preview = async (conditions: unknown[], who: User = 'admin') =>
    (
      await gateway()
        .post('/api/v1/segments/preview')
        .set('authorization', auth[who]!)
        .send({ definition: { conditions: [{ field: 'tags', op: 'hasAny', value: [tag] }, ...conditions] } })
        .expect(200)
    ).body as { count: number; items: { id: string }[] };
  const segmentRows = async () =>
    (await db.query(`SELECT count(*)::int AS n FROM customer_profile.segments WHERE name LIKE $1`, [`%${tag}%`]))
      .rows[0].n as number;
  const sorted = (...values: string[]) => [...values].sort();

  beforeAll(async () => {
    db = await adminClient();
    for (const user of ['agent1', 'agent2', 'manager', 'analyst', 'admin', 'exec'] as const) {
      auth[user] = await bearer(user);
      subs[user] = JSON.parse(Buffer.from((await userToken(user)).split('.')[1]!, 'base64url').toString('utf8'))
        .sub as string;
    }
    await gateway()
      .post('/api/v1/custom-fields')
      .set('authorization', auth.admin!)
      .send({ key: scoreKey, type: 'number' })
      .expect(201);
    ids.a = await seed({ owner: 'agent1', team: 'north', tags: [tag, 'vip'], city: '杭州市', score: 5 });
    ids.b = await seed({ owner: 'agent1', team: 'north', kind: 'organisation', tags: [tag], city: '上海市', score: 1 });
    ids.c = await seed({ owner: null, team: null, tags: [tag], city: '杭州市' });
    ids.d = await seed({ owner: 'agent2', team: 'south', tags: [tag, 'vip'], city: '杭州市' });
    ids.erased = await seed({ owner: 'agent1', team: 'north', tags: [tag], city: '杭州市', erased: true });
    ids.merged = await seed({ owner: 'agent1', team: 'north', tags: [tag], city: '杭州市', mergedInto: ids.a });
  });
  afterAll(async () => {
    await db.end();
  });

  describe('dynamic segments', () => {
    let segment: { id: string; version: number };

    beforeAll(async () => {
      segment = await createSegment({
        description: 'everyone of this run',
        definition: { conditions: [{ field: 'tags', op: 'hasAny', value: [tag] }] },
      });
    });

    it('saves a definition and reads it back with its version as ETag', async () => {
      const read = await gateway()
        .get(`/api/v1/segments/${segment.id}`)
        .set('authorization', auth.analyst!)
        .expect(200);
      expect(read.headers.etag).toBe('"1"');
      expect(read.body).toMatchObject({
        id: segment.id,
        kind: 'dynamic',
        description: 'everyone of this run',
        definition: { conditions: [{ field: 'tags', op: 'hasAny', value: [tag] }] },
        ownerId: subs.agent1,
        team: 'north',
        writable: false,
        version: 1,
      });
      const list = await gateway().get('/api/v1/segments').set('authorization', auth.agent2!).expect(200);
      expect(list.body.items).toContainEqual(expect.objectContaining({ id: segment.id, writable: false }));
    });

    it('counts and lists only the customers each caller may see, never erased or merged ones', async () => {
      expect(await count(segment.id, 'admin')).toBe(4);
      expect(await memberIds(segment.id, 'admin')).toEqual(sorted(ids.a, ids.b, ids.c, ids.d));
      expect(await count(segment.id, 'agent1')).toBe(3);
      expect(await memberIds(segment.id, 'agent1')).toEqual(sorted(ids.a, ids.b, ids.c));
      expect(await count(segment.id, 'agent2')).toBe(2);
      expect(await memberIds(segment.id, 'agent2')).toEqual(sorted(ids.c, ids.d));
      expect(await count(segment.id, 'manager')).toBe(2);
      expect(await memberIds(segment.id, 'manager')).toEqual(sorted(ids.a, ids.b));
    });

    it('pages members by keyset with an opaque cursor', async () => {
      const first = await gateway()
        .get(`/api/v1/segments/${segment.id}/members`)
        .query({ limit: 3 })
        .set('authorization', auth.admin!)
        .expect(200);
      expect(first.body.items).toHaveLength(3);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await gateway()
        .get(`/api/v1/segments/${segment.id}/members`)
        .query({ limit: 3, cursor: first.body.nextCursor })
        .set('authorization', auth.admin!)
        .expect(200);
      expect(second.body.nextCursor).toBeNull();
      expect([...first.body.items, ...second.body.items].map((c: { id: string }) => c.id)).toEqual(
        sorted(ids.a, ids.b, ids.c, ids.d),
      );
      const bad = await gateway()
        .get(`/api/v1/segments/${segment.id}/members`)
        .query({ cursor: 'nonsense' })
        .set('authorization', auth.admin!)
        .expect(400);
      expect(bad.body.errors[0].field).toBe('cursor');
      await gateway()
        .get(`/api/v1/segments/${segment.id}/members`)
        .query({ limit: 0 })
        .set('authorization', auth.admin!)
        .expect(400);
    });

    it('masks members for a caller without pii:read and audits unmasked reads', async () => {
      const masked = await gateway()
        .get(`/api/v1/segments/${segment.id}/members`)
        .set('authorization', auth.analyst!)
        .expect(200);
      const a = masked.body.items.find((c: { id: string }) => c.id === ids.a);
      expect(a.email).toMatch(/^s\*\*\*@example\.com$/);
      expect(a.phone).toContain('****');
      expect(a.addresses[0].street).not.toBe('龙井路 1 号');
      const plain = await gateway()
        .get(`/api/v1/segments/${segment.id}/members`)
        .set('authorization', auth.agent1!)
        .expect(200);
      expect(plain.body.items.find((c: { id: string }) => c.id === ids.a).email).toBe(
        `seg.${ids.a.slice(0, 8)}@example.com`,
      );
      const audit = await db.query(
        `SELECT actor, pii_unmasked FROM gateway.audit_log WHERE action = 'segment.members' AND resource_id = $1`,
        [segment.id],
      );
      expect(audit.rows).toContainEqual({ actor: subs.agent1, pii_unmasked: true });
      expect(audit.rows.map((r: { actor: string }) => r.actor)).not.toContain(subs.analyst);
    });

    it('combines AND with an any-group over geography, kind and tags', async () => {
      const result = await preview([
        {
          any: [
            { field: 'city', op: 'eq', value: '上海市' },
            { field: 'tags', op: 'hasAll', value: [tag, 'vip'] },
          ],
        },
      ]);
      expect(result.items.map((c) => c.id).sort()).toEqual(sorted(ids.a, ids.b, ids.d));
      expect(result.count).toBe(3);
      expect(
        (
          await preview([
            { field: 'kind', op: 'eq', value: 'person' },
            { field: 'city', op: 'notIn', value: ['杭州市'] },
          ])
        ).count,
      ).toBe(0);
      expect((await preview([{ field: 'inPool', op: 'eq', value: true }])).items.map((c) => c.id)).toEqual([ids.c]);
      expect(
        (await preview([{ field: 'team', op: 'in', value: ['north', 'south'] }], 'agent2')).items.map((c) => c.id),
      ).toEqual([ids.d]);
    });

    it('filters by a custom field by its type', async () => {
      expect(
        (await preview([{ field: `customFields.${scoreKey}`, op: 'between', value: [3, 10] }])).items.map((c) => c.id),
      ).toEqual([ids.a]);
      expect(
        (await preview([{ field: `customFields.${scoreKey}`, op: 'eq', value: 1 }])).items.map((c) => c.id),
      ).toEqual([ids.b]);
    });

    it('filters by purchase aggregates after purchases are posted', async () => {
      const now = new Date().toISOString();
      const order = (currency: string, unitPrice: number, occurredAt = now) => ({
        externalOrderId: `SEG-${randomUUID()}`,
        currency,
        channel: 'store',
        occurredAt,
        lines: [{ sku: 'TEA-001', name: '西湖龙井', category: 'tea', quantity: 1, unitPrice }],
      });
      await gateway()
        .post(`/api/v1/customers/${ids.a}/purchases`)
        .set('authorization', auth.agent1!)
        .send(order('CNY', 177))
        .expect(201);
      await gateway()
        .post(`/api/v1/customers/${ids.a}/purchases`)
        .set('authorization', auth.agent1!)
        .send(order('CNY', 100))
        .expect(201);
      await gateway()
        .post(`/api/v1/customers/${ids.c}/purchases`)
        .set('authorization', auth.agent1!)
        .send(order('USD', 10, '2025-01-10T10:00:00+08:00'))
        .expect(201);

      const idsOf = async (conditions: unknown[]) => (await preview(conditions)).items.map((c) => c.id).sort();
      expect(await idsOf([{ field: 'purchaseCount', op: 'gte', value: 2 }])).toEqual([ids.a]);
      expect(await idsOf([{ field: 'purchaseCount', op: 'eq', value: 0 }])).toEqual(sorted(ids.b, ids.d));
      expect(await idsOf([{ field: 'totalSpent', op: 'between', value: [50, '100.00'] }])).toEqual([ids.c]); // 10 USD = 71 CNY
      expect(await idsOf([{ field: 'totalSpent', op: 'gte', value: 277 }])).toEqual([ids.a]);
      expect(await idsOf([{ field: 'lastPurchaseAt', op: 'withinDays', value: 30 }])).toEqual([ids.a]);
      expect(await idsOf([{ field: 'lastPurchaseAt', op: 'notWithinDays', value: 30 }])).toEqual(
        sorted(ids.b, ids.c, ids.d),
      );
      expect(await idsOf([{ field: 'lastPurchaseAt', op: 'lte', value: '2025-01-10' }])).toEqual([ids.c]);
    });

    it('streams the members as CSV with the customers export columns, masked without pii:read', async () => {
      const plain = await gateway()
        .get(`/api/v1/segments/${segment.id}/export`)
        .set('authorization', auth.agent1!)
        .buffer(true)
        .parse(textBody)
        .expect(200);
      expect(plain.headers['content-type']).toMatch(/^text\/csv/);
      const lines = (plain.body as string)
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\n');
      // The fixed columns, then one cf.<key> column per custom field defined (other tests define some).
      expect(lines[0]).toMatch(
        /^id,kind,name,email,phone,sourceChannel,ownerId,team,lifecycleStage,tags,createdAt,valueTier(,cf\.[a-z0-9_]+)*$/,
      );
      expect(
        lines
          .slice(1)
          .map((l) => l.split(',')[0])
          .sort(),
      ).toEqual(sorted(ids.a, ids.b, ids.c));
      expect(lines.find((l) => l.startsWith(ids.a))).toContain(`seg.${ids.a.slice(0, 8)}@example.com`);
      const masked = await gateway()
        .get(`/api/v1/segments/${segment.id}/export`)
        .set('authorization', auth.analyst!)
        .buffer(true)
        .parse(textBody)
        .expect(200);
      const maskedLines = (masked.body as string).trim().split('\n');
      expect(maskedLines).toHaveLength(5);
      expect(maskedLines.find((l) => l.startsWith(ids.a))).toContain('s***@example.com');
      const audit = await db.query(
        `SELECT count(*)::int AS n FROM gateway.audit_log WHERE action = 'segment.export' AND actor = $1 AND pii_unmasked`,
        [subs.agent1],
      );
      expect(audit.rows[0].n).toBeGreaterThan(0);
    });

    it('updates with If-Match: a stale version gets 412, and only writers may change it', async () => {
      const stale = await gateway()
        .patch(`/api/v1/segments/${segment.id}`)
        .set('authorization', auth.agent1!)
        .set('if-match', '"7"')
        .send({ name: `改名 ${tag}` })
        .expect(412);
      expect(stale.body.currentVersion).toBe(1);
      await gateway()
        .patch(`/api/v1/segments/${segment.id}`)
        .set('authorization', auth.agent2!)
        .send({ name: `改名 ${tag}` })
        .expect(403);
      await gateway()
        .patch(`/api/v1/segments/${segment.id}`)
        .set('authorization', auth.analyst!)
        .send({ name: `改名 ${tag}` })
        .expect(403);
      const updated = await gateway()
        .patch(`/api/v1/segments/${segment.id}`)
        .set('authorization', auth.manager!)
        .set('if-match', '"1"')
        .send({
          name: `改名 ${tag}`,
          definition: { match: 'any', conditions: [{ field: 'tags', op: 'hasAll', value: [tag, 'vip'] }] },
        })
        .expect(200);
      expect(updated.headers.etag).toBe('"2"');
      expect(updated.body).toMatchObject({ name: `改名 ${tag}`, version: 2, writable: true });
      expect(await count(segment.id, 'admin')).toBe(2);
    });

    it('refuses a bad definition on update naming the path, and changes nothing', async () => {
      const bad = await gateway()
        .patch(`/api/v1/segments/${segment.id}`)
        .set('authorization', auth.agent1!)
        .send({
          definition: {
            conditions: [
              { field: 'tags', op: 'hasAny', value: [tag] },
              { field: 'tags', op: 'eq', value: tag },
            ],
          },
        })
        .expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['definition.conditions[1].op']);
      const read = await gateway().get(`/api/v1/segments/${segment.id}`).set('authorization', auth.agent1!).expect(200);
      expect(read.body.version).toBe(2);
    });
  });

  describe('bad definitions', () => {
    it.each([
      [{ conditions: [{ field: 'kind', op: 'like', value: 'p%' }] }, 400, 'definition.conditions[0].op'],
      [
        {
          conditions: [
            { field: 'kind', op: 'eq', value: 'p' },
            { field: "name' OR 1=1 --", op: 'eq', value: 'x' },
          ],
        },
        400,
        'definition.conditions[1].field',
      ],
      [
        { conditions: [{ any: [{ field: 'purchaseCount', op: 'gte', value: -1 }] }] },
        400,
        'definition.conditions[0].any[0].value',
      ],
      [{ conditions: [] }, 400, 'definition.conditions'],
      [{ conditions: [{ field: 'inPool', op: 'eq', value: true }], limit: 5 }, 400, 'definition.limit'],
      [
        {
          conditions: [
            { field: 'tags', op: 'hasAny', value: ['x'] },
            { field: 'customFields.no_such_field', op: 'eq', value: 1 },
          ],
        },
        422,
        'definition.conditions[1].field',
      ],
    ])('refuses %j with %d naming %s, writing nothing', async (definition, status, path) => {
      const before = await segmentRows();
      const created = await gateway()
        .post('/api/v1/segments')
        .set('authorization', auth.agent1!)
        .send({ name: `坏 ${tag}`, definition })
        .expect(status);
      expect(created.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(created.body.errors.map((e: { field: string }) => e.field)).toContain(path);
      const previewed = await gateway()
        .post('/api/v1/segments/preview')
        .set('authorization', auth.analyst!)
        .send({ definition })
        .expect(status);
      expect(previewed.body.errors.map((e: { field: string }) => e.field)).toContain(path);
      expect(await segmentRows()).toBe(before);
    });

    it('requires a definition for a dynamic segment and none for a static list', async () => {
      const missing = await gateway()
        .post('/api/v1/segments')
        .set('authorization', auth.agent1!)
        .send({ name: `坏 ${tag}` })
        .expect(400);
      expect(missing.body.errors[0].field).toBe('definition');
      const extra = await gateway()
        .post('/api/v1/segments')
        .set('authorization', auth.agent1!)
        .send({
          name: `坏 ${tag}`,
          kind: 'static',
          definition: { conditions: [{ field: 'inPool', op: 'eq', value: true }] },
        })
        .expect(400);
      expect(extra.body.errors[0].field).toBe('definition');
      const notObject = await gateway()
        .post('/api/v1/segments')
        .set('authorization', auth.agent1!)
        .send({ name: `坏 ${tag}`, definition: 'kind = person' })
        .expect(400);
      expect(notObject.body.errors[0].field).toBe('definition');
      await gateway()
        .post('/api/v1/segments')
        .set('authorization', auth.agent1!)
        .send({ name: '', definition: {} })
        .expect(400);
    });
  });

  describe('static lists', () => {
    let list: { id: string };

    beforeAll(async () => {
      list = await createSegment({ name: `名单 ${tag}`, kind: 'static' });
    });

    it('adds visible customers idempotently and reports the others per id', async () => {
      const unknown = randomUUID();
      const added = await gateway()
        .post(`/api/v1/segments/${list.id}/members`)
        .set('authorization', auth.agent1!)
        .send({ customerIds: [ids.a, ids.c, ids.d, ids.erased, unknown, ids.a] })
        .expect(200);
      expect(added.body.added.sort()).toEqual(sorted(ids.a, ids.c));
      expect(added.body.alreadyMembers).toEqual([]);
      expect(added.body.notFound.sort()).toEqual(sorted(ids.d, ids.erased, unknown));
      const again = await gateway()
        .post(`/api/v1/segments/${list.id}/members`)
        .set('authorization', auth.agent1!)
        .send({ customerIds: [ids.a, ids.c] })
        .expect(200);
      expect(again.body.added).toEqual([]);
      expect(again.body.notFound).toEqual([]);
      expect(again.body.alreadyMembers.sort()).toEqual(sorted(ids.a, ids.c));
      expect(await count(list.id, 'agent1')).toBe(2);
      expect(await memberIds(list.id, 'agent2')).toEqual([ids.c]);
      expect(await memberIds(list.id, 'manager')).toEqual([ids.a]);
    });

    it('removes by body or query, idempotently', async () => {
      const removed = await gateway()
        .delete(`/api/v1/segments/${list.id}/members`)
        .set('authorization', auth.agent1!)
        .send({ customerIds: [ids.a] })
        .expect(200);
      expect(removed.body).toEqual({ removed: [ids.a], notMembers: [], notFound: [] });
      const again = await gateway()
        .delete(`/api/v1/segments/${list.id}/members`)
        .query({ customerIds: `${ids.a},${ids.d}` })
        .set('authorization', auth.agent1!)
        .expect(200);
      expect(again.body).toEqual({ removed: [], notMembers: [ids.a], notFound: [ids.d] });
      expect(await memberIds(list.id, 'admin')).toEqual([ids.c]);
      const none = await gateway()
        .delete(`/api/v1/segments/${list.id}/members`)
        .set('authorization', auth.agent1!)
        .expect(400);
      expect(none.body.errors[0].field).toBe('customerIds');
    });

    it('refuses a definition: a static list has none (409, the list unchanged)', async () => {
      const refused = await gateway()
        .patch(`/api/v1/segments/${list.id}`)
        .set('authorization', auth.agent1!)
        .send({ definition: { conditions: [{ field: 'inPool', op: 'eq', value: true }] } })
        .expect(409);
      expect(refused.body.errors[0].field).toBe('definition');
      const after = await gateway().get(`/api/v1/segments/${list.id}`).set('authorization', auth.agent1!).expect(200);
      expect(after.body.definition ?? null).toBeNull();
      expect(after.body.kind).toBe('static');
    });

    it('refuses bad ids, too many ids, other people’s lists and dynamic segments', async () => {
      const bad = await gateway()
        .post(`/api/v1/segments/${list.id}/members`)
        .set('authorization', auth.agent1!)
        .send({ customerIds: ['nope'] })
        .expect(400);
      expect(bad.body.errors[0].field).toBe('customerIds');
      const many = Array.from({ length: 1001 }, () => randomUUID());
      const tooMany = await gateway()
        .post(`/api/v1/segments/${list.id}/members`)
        .set('authorization', auth.agent1!)
        .send({ customerIds: many })
        .expect(400);
      expect(tooMany.body.errors[0].field).toBe('customerIds');
      await gateway()
        .post(`/api/v1/segments/${list.id}/members`)
        .set('authorization', auth.agent2!)
        .send({ customerIds: [ids.d] })
        .expect(403);
      await gateway()
        .post(`/api/v1/segments/${list.id}/members`)
        .set('authorization', auth.analyst!)
        .send({ customerIds: [ids.c] })
        .expect(403);
      const dynamic = await createSegment({ definition: { conditions: [{ field: 'inPool', op: 'eq', value: true }] } });
      await gateway()
        .post(`/api/v1/segments/${dynamic.id}/members`)
        .set('authorization', auth.agent1!)
        .send({ customerIds: [ids.c] })
        .expect(409);
      expect(await memberIds(list.id, 'admin')).toEqual([ids.c]);
    });
  });

  describe('authorization and missing segments', () => {
    it('answers 401 without a token and 403 to a read-only role writing', async () => {
      await gateway().get('/api/v1/segments').expect(401);
      await gateway()
        .post('/api/v1/segments')
        .set('authorization', auth.analyst!)
        .send({ name: `x ${tag}`, definition: { conditions: [{ field: 'inPool', op: 'eq', value: true }] } })
        .expect(403);
    });

    it('answers 404 for an unknown segment and after a delete', async () => {
      const unknown = randomUUID();
      await gateway().get(`/api/v1/segments/${unknown}`).set('authorization', auth.agent1!).expect(404);
      await gateway().get(`/api/v1/segments/${unknown}/count`).set('authorization', auth.agent1!).expect(404);
      await gateway().get(`/api/v1/segments/${unknown}/members`).set('authorization', auth.agent1!).expect(404);
      await gateway().get(`/api/v1/segments/${unknown}/export`).set('authorization', auth.agent1!).expect(404);
      await gateway()
        .patch(`/api/v1/segments/${unknown}`)
        .set('authorization', auth.agent1!)
        .send({ name: 'x' })
        .expect(404);
      await gateway().get('/api/v1/segments/not-a-uuid').set('authorization', auth.agent1!).expect(400);
      const doomed = await createSegment({ definition: { conditions: [{ field: 'inPool', op: 'eq', value: true }] } });
      await gateway().delete(`/api/v1/segments/${doomed.id}`).set('authorization', auth.agent2!).expect(403);
      await gateway().delete(`/api/v1/segments/${doomed.id}`).set('authorization', auth.agent1!).expect(204);
      await gateway().get(`/api/v1/segments/${doomed.id}`).set('authorization', auth.agent1!).expect(404);
    });
  });
});
