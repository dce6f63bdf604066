import { randomInt, randomUUID } from 'node:crypto';
import {
  adminClient,
  bearer,
  cnMobile,
  customerRequest,
  eventually,
  organisationRequest,
  stackInfo,
  uniqueTag,
  textBody,
} from '@rapport/testing';
import { parse } from 'csv-parse/sync';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * Customer records through the gateway as a department's client meets them: rich records, partial
 * updates with optimistic concurrency, keyset lists, custom fields, search, consent, subject
 * access and erasure — each with its bad input, its authorization and the events it publishes.
 */
/**
 * Every user token of the embedded provider comes from one client, and the gateway's rate limit
 * (20/s, burst 60) is per client: pace this file's requests below it instead of racing it.
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

describe('customers API', () => {
  const gateway = () => {
    const agent = request(stackInfo().gatewayUrl);
    return {
      get: (url: string) => paced(agent.get(url)),
      post: (url: string) => paced(agent.post(url)),
      patch: (url: string) => paced(agent.patch(url)),
      delete: (url: string) => paced(agent.delete(url)),
    };
  };
  let db: Client;
  let agent1: string;
  let agent2: string;
  let analyst: string;
  let admin: string;

  beforeAll(async () => {
    db = await adminClient();
    [agent1, agent2, analyst, admin] = await Promise.all([
      bearer('agent1'),
      bearer('agent2'),
      bearer('analyst'),
      bearer('admin'),
    ]);
  });

  afterAll(async () => {
    await db.end();
  });

  const create = async (body: Record<string, unknown>, who = agent1) => {
    const response = await gateway().post('/api/v1/customers').set('authorization', who).send(body);
    expect(response.status).toBe(201);
    return response.body as Record<string, unknown> & { id: string; version: number };
  };
  const createForced = async (body: Record<string, unknown>) => {
    const response = await gateway()
      .post('/api/v1/customers')
      .query({ force: 'true' })
      .set('authorization', agent1)
      .send(body);
    expect(response.status).toBe(201);
    return response.body as Record<string, unknown> & { id: string; version: number };
  };
  const events = async (customerId: string, type: string) =>
    (
      await db.query(
        `SELECT payload FROM customer_profile.outbox WHERE message_key = $1 AND event_type = $2 ORDER BY seq`,
        [customerId, `rapport.customer-profile.${type}.v1`],
      )
    ).rows.map((r: { payload: string }) => JSON.parse(r.payload) as Record<string, unknown>);
  const customerCount = async () =>
    (await db.query('SELECT count(*)::int AS n FROM customer_profile.customers')).rows[0].n as number;

  describe('records', () => {
    it('creates a rich person record with phones in E.164 and emails lower-cased', async () => {
      const second = cnMobile();
      const body = customerRequest({ phones: [second.typed, '+86 10 6552 9988'], emails: [' Work@Example.COM'] });
      const created = await create(body);
      expect(created).toMatchObject({
        kind: 'person',
        name: body['name'],
        gender: 'male',
        birthday: '1990-05-17',
        email: (body['email'] as string).trim().toLowerCase(),
        emails: [(body['email'] as string).trim().toLowerCase(), 'work@example.com'],
        addresses: body['addresses'],
        identifiers: body['identifiers'],
        sourceChannel: 'store',
        tags: ['茶友'],
        interests: ['green tea'],
        preferences: { language: 'zh-CN' },
        notes: '喜欢龙井',
        ownerId: 'agent1',
        team: 'north',
        version: 1,
      });
      expect(created.phone).toMatch(/^\+86139\d{8}$/);
      expect(created.phones).toEqual([created.phone, second.e164, '+861065529988']);
      expect(await events(created.id, 'customer.created')).toEqual([
        expect.objectContaining({ customerId: created.id, ownerId: 'agent1' }),
      ]);
    });

    it('accepts the plain name/email/phone of the first API', async () => {
      // the walking skeleton creates this very person: force past the duplicate check, erase afterwards so it never clashes
      const created = await createForced({
        name: '张伟',
        email: '  XiaoMing.Wang@Example.com ',
        phone: '138 0013 8000',
      });
      expect(created).toMatchObject({
        email: 'xiaoming.wang@example.com',
        phone: '+8613800138000',
        phones: ['+8613800138000'],
      });
      await gateway().delete(`/api/v1/customers/${created.id}`).set('authorization', agent1).expect(202);
    });

    it('creates an organisation with its contact persons', async () => {
      const created = await create(organisationRequest());
      expect(created.kind).toBe('organisation');
      expect(created.contacts).toEqual([
        expect.objectContaining({
          name: '李娜',
          title: '采购经理',
          phone: expect.stringMatching(/^\+86139/),
          email: expect.stringMatching(/^na\.li\./),
        }),
        expect.objectContaining({ name: '赵强', title: '财务', phone: null, email: null }),
      ]);
    });

    it('refuses a bad phone naming the field, and writes nothing', async () => {
      const before = await customerCount();
      const response = await gateway()
        .post('/api/v1/customers')
        .set('authorization', agent1)
        .send(customerRequest({ phones: ['+8613800138001', '12345'] }))
        .expect(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'phones' })]);
      expect(await customerCount()).toBe(before);
    });

    it.each([
      [{ gender: 'robot' }, 'gender'],
      [{ birthday: '1990-13-01' }, 'birthday'],
      [{ identifiers: [{ type: 'qq', value: '1' }] }, 'identifiers[0].type'],
      [{ addresses: [{ country: 'China' }] }, 'addresses[0].country'],
      [{ tags: ['x'.repeat(51)] }, 'tags'],
      [{ emails: ['not-an-email'] }, 'emails'],
    ])('refuses %j naming %s', async (override, field) => {
      const response = await gateway()
        .post('/api/v1/customers')
        .set('authorization', agent1)
        .send(customerRequest(override))
        .expect(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('keeps identifiers unique per type (409) and lets the same value exist under another type', async () => {
      const value = `oW-${randomUUID()}`;
      await create(customerRequest({ identifiers: [{ type: 'wechat_openid', value }] }));
      const before = await customerCount();
      const clash = await gateway()
        .post('/api/v1/customers')
        .set('authorization', agent2)
        .send(customerRequest({ identifiers: [{ type: 'wechat_openid', value }] }))
        .expect(409);
      expect(clash.body.errors[0].field).toBe('identifiers');
      expect(await customerCount()).toBe(before);
      await create(customerRequest({ identifiers: [{ type: 'external', value }] }));
    });

    it('masks phones, emails, streets and identifiers without pii:read', async () => {
      const created = await create(
        customerRequest({ contacts: [{ name: '李娜', phone: '13900001111', email: 'na@example.com' }] }),
      );
      const masked = (await gateway().get(`/api/v1/customers/${created.id}`).set('authorization', analyst).expect(200))
        .body;
      expect(masked.phone).toMatch(/^139\*{4}\d{4}$/);
      expect(masked.phones[0]).toMatch(/^139\*{4}\d{4}$/);
      expect(masked.email).toMatch(/^x\*\*\*@example\.com$/);
      expect(masked.addresses[0]).toMatchObject({ city: '杭州市', street: '龙******' });
      expect(masked.identifiers[0].value).toMatch(/^o\*+$/);
      expect(masked.contacts[0]).toMatchObject({ name: '李娜', phone: '139****1111', email: 'n***@example.com' });
      const clear = (await gateway().get(`/api/v1/customers/${created.id}`).set('authorization', agent1).expect(200))
        .body;
      expect(clear.addresses[0].street).toBe('龙井路 1 号');
    });
  });

  describe('PATCH /api/v1/customers/{id}', () => {
    it('applies a partial update with If-Match, publishes the changed field names, and refuses a stale version with 412', async () => {
      const created = await create(customerRequest());
      const phone = cnMobile();
      const updated = await gateway()
        .patch(`/api/v1/customers/${created.id}`)
        .set('authorization', agent1)
        .set('if-match', '"1"')
        .send({ tags: ['vip', '茶友'], phone: phone.typed, notes: '改为乌龙' })
        .expect(200);
      expect(updated.body).toMatchObject({
        version: 2,
        tags: ['vip', '茶友'],
        phone: phone.e164,
        notes: '改为乌龙',
        name: created['name'],
      });
      expect(updated.body.phones[0]).toBe(phone.e164);
      const [event] = await events(created.id, 'customer.updated');
      expect(event).toMatchObject({ customerId: created.id, version: 2 });
      expect((event!['changedFields'] as string[]).sort()).toEqual(['notes', 'phone', 'phones', 'tags']);
      expect(JSON.stringify(event)).not.toContain(phone.e164.slice(1));

      const stale = await gateway()
        .patch(`/api/v1/customers/${created.id}`)
        .set('authorization', agent1)
        .set('if-match', '"1"')
        .send({ notes: 'lost' })
        .expect(412);
      expect(stale.body).toMatchObject({ status: 412, currentVersion: 2 });
      await gateway()
        .patch(`/api/v1/customers/${created.id}`)
        .set('authorization', agent1)
        .send({ notes: 'lost', version: 1 })
        .expect(412);
      const now = (await gateway().get(`/api/v1/customers/${created.id}`).set('authorization', agent1).expect(200))
        .body;
      expect(now).toMatchObject({ version: 2, notes: '改为乌龙' });
    });

    it('writes nothing and publishes nothing for a change that changes nothing', async () => {
      const created = await create(customerRequest());
      const same = await gateway()
        .patch(`/api/v1/customers/${created.id}`)
        .set('authorization', agent1)
        .send({ gender: 'male' })
        .expect(200);
      expect(same.body.version).toBe(1);
      expect(await events(created.id, 'customer.updated')).toEqual([]);
    });

    it('refuses bad input naming the field, and changes nothing', async () => {
      const created = await create(customerRequest());
      for (const [body, field] of [
        [{ phones: ['abc'] }, 'phones'],
        [{ contacts: [{ name: 'x', phone: '123' }] }, 'contacts[0].phone'],
        [{ name: null }, 'name'],
        [{ ownerId: 'agent2' }, 'ownerId'],
        [{ version: 'one' }, 'version'],
      ] as const) {
        const response = await gateway()
          .patch(`/api/v1/customers/${created.id}`)
          .set('authorization', agent1)
          .send(body)
          .expect(400);
        expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
      await gateway()
        .patch(`/api/v1/customers/${created.id}`)
        .set('authorization', agent1)
        .set('if-match', 'yesterday')
        .send({})
        .expect(400);
      const now = (await gateway().get(`/api/v1/customers/${created.id}`).set('authorization', agent1).expect(200))
        .body;
      expect(now.version).toBe(1);
    });

    it("is refused to callers without customers:write (403) and for another agent's customer (404)", async () => {
      const created = await create(customerRequest());
      await gateway()
        .patch(`/api/v1/customers/${created.id}`)
        .set('authorization', analyst)
        .send({ notes: 'x' })
        .expect(403);
      await gateway()
        .patch(`/api/v1/customers/${created.id}`)
        .set('authorization', agent2)
        .send({ notes: 'x' })
        .expect(404);
      await gateway().patch(`/api/v1/customers/${created.id}`).send({ notes: 'x' }).expect(401);
    });

    it('moves an identifier only when no one else holds it (409)', async () => {
      const a = await create(customerRequest());
      const b = await create(customerRequest());
      const taken = (a['identifiers'] as { type: string; value: string }[])[0]!;
      await gateway()
        .patch(`/api/v1/customers/${b.id}`)
        .set('authorization', agent1)
        .send({ identifiers: [taken] })
        .expect(409);
    });
  });

  describe('GET /api/v1/customers', () => {
    it('pages with an opaque keyset cursor, filters by tag and sorts Chinese names deterministically', async () => {
      const tag = uniqueTag();
      const names = ['王芳', '李娜', '张伟', '刘洋', '陈静'];
      for (const name of names) await create(customerRequest({ name, tags: [tag] }));
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await gateway()
          .get('/api/v1/customers')
          .query({ tag, sort: 'name', limit: 2, ...(cursor ? { cursor } : {}) })
          .set('authorization', agent1)
          .expect(200);
        seen.push(...page.body.items.map((c: { name: string }) => c.name));
        cursor = page.body.nextCursor;
      } while (cursor);
      // code point order (the database has the C collation): deterministic, not pinyin
      expect(seen).toEqual([...names].sort());
      const newest = (
        await gateway().get('/api/v1/customers').query({ tag, limit: 5 }).set('authorization', agent1).expect(200)
      ).body;
      expect(newest.items.map((c: { name: string }) => c.name)).toEqual([...names].reverse());
      expect(newest.nextCursor).toBeNull();
    });

    it('applies row-level visibility in the query: another agent sees none of them', async () => {
      const tag = uniqueTag();
      await create(customerRequest({ tag: undefined, tags: [tag] }));
      const other = (await gateway().get('/api/v1/customers').query({ tag }).set('authorization', agent2).expect(200))
        .body;
      expect(other.items).toEqual([]);
      const masked = (await gateway().get('/api/v1/customers').query({ tag }).set('authorization', analyst).expect(200))
        .body;
      expect(masked.items[0].phone).toMatch(/\*{4}/);
    });

    it.each([
      [{ limit: 201 }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ sort: 'email' }, 'sort'],
      [{ cursor: 'not-a-cursor' }, 'cursor'],
      [{ source: 'fax' }, 'source'],
      [{ owner: 'agent1' }, 'owner'],
    ])('refuses %j naming %s', async (query, field) => {
      const response = await gateway().get('/api/v1/customers').query(query).set('authorization', agent1).expect(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  describe('custom fields', () => {
    const key = `tier_${randomUUID().slice(0, 6)}`;

    beforeAll(async () => {
      await gateway()
        .post('/api/v1/custom-fields')
        .set('authorization', admin)
        .send({ key, label: '会员等级', type: 'enum', allowedValues: ['gold', 'silver'] })
        .expect(201);
    });

    it('is defined by admins only, once per key, and listed for readers', async () => {
      await gateway()
        .post('/api/v1/custom-fields')
        .set('authorization', agent1)
        .send({ key: 'x_agent', type: 'string' })
        .expect(403);
      const again = await gateway()
        .post('/api/v1/custom-fields')
        .set('authorization', admin)
        .send({ key, type: 'string' })
        .expect(409);
      expect(again.body.errors[0].field).toBe('key');
      const noValues = await gateway()
        .post('/api/v1/custom-fields')
        .set('authorization', admin)
        .send({ key: 'x_enum', type: 'enum' })
        .expect(400);
      expect(noValues.body.errors[0].field).toBe('allowedValues');
      await gateway()
        .post('/api/v1/custom-fields')
        .set('authorization', admin)
        .send({ key: 'Bad Key', type: 'string' })
        .expect(400);
      const list = (await gateway().get('/api/v1/custom-fields').set('authorization', analyst).expect(200)).body;
      expect(list.items).toContainEqual(
        expect.objectContaining({ key, type: 'enum', allowedValues: ['gold', 'silver'], required: false }),
      );
    });

    it('validates, stores, merges on update and filters customers by a custom field', async () => {
      const tag = uniqueTag();
      const gold = await create(customerRequest({ tags: [tag], customFields: { [key]: 'gold' } }));
      await create(customerRequest({ tags: [tag], customFields: { [key]: 'silver' } }));
      expect(gold.customFields).toEqual({ [key]: 'gold' });
      const filtered = (
        await gateway()
          .get('/api/v1/customers')
          .query({ tag, cf: `${key}:gold` })
          .set('authorization', agent1)
          .expect(200)
      ).body;
      expect(filtered.items.map((c: { id: string }) => c.id)).toEqual([gold.id]);
      const cleared = await gateway()
        .patch(`/api/v1/customers/${gold.id}`)
        .set('authorization', agent1)
        .send({ customFields: { [key]: null } })
        .expect(200);
      expect(cleared.body.customFields).toEqual({});
    });

    it('exports custom fields as one cf.<key> column each, beside the fixed columns', async () => {
      const tag = uniqueTag();
      const gold = await create(customerRequest({ name: `导出 ${tag}`, tags: [tag], customFields: { [key]: 'gold' } }));
      const plain = await create(customerRequest({ name: `导出 ${tag} 2`, tags: [tag] }));
      const response = await gateway()
        .get('/api/v1/customers/export.csv')
        .set('authorization', agent1)
        .buffer(true)
        .parse(textBody)
        .expect(200);
      const rows = parse(response.body as string, { columns: true, bom: true }) as Record<string, string>[];
      expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['id', 'name', 'tags', 'valueTier', `cf.${key}`]));
      expect(rows.find((r) => r.id === gold.id)).toMatchObject({
        name: `导出 ${tag}`,
        tags: tag,
        [`cf.${key}`]: 'gold',
      });
      expect(rows.find((r) => r.id === plain.id)).toMatchObject({ [`cf.${key}`]: '' });
    });

    it('refuses an unknown custom field or a value not allowed, naming it', async () => {
      const before = await customerCount();
      const unknown = await gateway()
        .post('/api/v1/customers')
        .set('authorization', agent1)
        .send(customerRequest({ customFields: { nope: 1 } }))
        .expect(400);
      expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'customFields.nope' })]);
      const wrong = await gateway()
        .post('/api/v1/customers')
        .set('authorization', agent1)
        .send(customerRequest({ customFields: { [key]: 'bronze' } }))
        .expect(400);
      expect(wrong.body.errors).toEqual([expect.objectContaining({ field: `customFields.${key}` })]);
      expect(await customerCount()).toBe(before);
      const badFilter = await gateway()
        .get('/api/v1/customers')
        .query({ cf: 'nope:1' })
        .set('authorization', agent1)
        .expect(400);
      expect(badFilter.body.errors[0].field).toBe('cf');
    });
  });

  describe('GET /api/v1/customers/search', () => {
    // Chinese letters only: a query with digits is matched by prefix and substring, never fuzzily
    const marker = String.fromCodePoint(...Array.from({ length: 3 }, () => 0x4e00 + randomInt(0, 0x5000)));
    const ascii = randomUUID().slice(0, 6);
    let wang: Record<string, unknown> & { id: string };
    let phone: { typed: string; e164: string };

    beforeAll(async () => {
      phone = cnMobile();
      wang = await create(
        customerRequest({
          name: `欧阳${marker}娜娜`,
          phone: phone.typed,
          email: `nana.${ascii}@example.com`,
          identifiers: [{ type: 'weibo_id', value: `weibo${ascii}` }],
          tags: [`茶会${marker}`],
        }),
      );
    });

    const search = (q: string, who = agent1, extra: Record<string, unknown> = {}) =>
      gateway()
        .get('/api/v1/customers/search')
        .query({ q, ...extra })
        .set('authorization', who);

    it.each([
      ['a Chinese name prefix', () => `欧阳${marker}`],
      ['a national phone number', () => phone.e164.slice(3)],
      ['a phone prefix', () => phone.e164.slice(1, 10)],
      ['an email prefix', () => `nana.${ascii}`],
      ['an identifier', () => `weibo${ascii}`],
      ['a tag', () => `茶会${marker}`],
    ])('finds the customer by %s', async (_what, q) => {
      const hits = (await search(q()).expect(200)).body.items as { id: string; score: number }[];
      expect(hits.map((h) => h.id)).toContain(wang.id);
    });

    it('finds a misspelt name (trigram similarity) and ranks the prefix hit first', async () => {
      const fuzzy = (await search(`欧阳${marker}菲菲`).expect(200)).body.items as { id: string }[];
      expect(fuzzy.map((h) => h.id)).toContain(wang.id);
      const similar = await create(customerRequest({ name: `小欧阳${marker}` }));
      const ranked = (await search(`欧阳${marker}`).expect(200)).body.items as { id: string; score: number }[];
      expect(ranked.findIndex((h) => h.id === wang.id)).toBeLessThan(ranked.findIndex((h) => h.id === similar.id));
    });

    it('pages a fuzzy search from its prefix hits on into its similar hits, none missed or repeated', async () => {
      const stem = String.fromCodePoint(...Array.from({ length: 5 }, () => 0x4e00 + randomInt(0, 0x5000)));
      const q = `${stem}龙`;
      const prefix = await Promise.all(
        ['甲', '乙', '丙'].map((c) => createForced(customerRequest({ name: `${q}${c}` }))),
      );
      const similar = await Promise.all(
        ['虎', '凤'].map((c) => createForced(customerRequest({ name: `${stem}${c}` }))),
      );
      const seen: { id: string; score: number }[] = [];
      let cursor: string | null = null;
      do {
        const body: { items: { id: string; score: number }[]; nextCursor: string | null } = (
          await search(q, agent1, { limit: 2, ...(cursor ? { cursor } : {}) }).expect(200)
        ).body;
        seen.push(...body.items);
        cursor = body.nextCursor;
      } while (cursor);
      const ids = seen.map((h) => h.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.slice(0, 3).sort()).toEqual(prefix.map((c) => c.id).sort());
      expect(ids).toEqual(expect.arrayContaining(similar.map((c) => c.id)));
      expect(seen.map((h) => h.score)).toEqual([...seen.map((h) => h.score)].sort((a, b) => b - a));
    });

    it('pages with a cursor and applies row-level visibility', async () => {
      const tag = `页${randomUUID().slice(0, 6)}`;
      for (let i = 0; i < 3; i++) await create(customerRequest({ tags: [tag] }));
      const first = (await search(tag, agent1, { limit: 2 }).expect(200)).body;
      expect(first.items).toHaveLength(2);
      const second = (await search(tag, agent1, { limit: 2, cursor: first.nextCursor }).expect(200)).body;
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
      expect(new Set([...first.items, ...second.items].map((h: { id: string }) => h.id)).size).toBe(3);
      expect((await search(tag, agent2).expect(200)).body.items).toEqual([]);
      const masked = (await search(tag, analyst).expect(200)).body.items[0];
      expect(masked.phone).toMatch(/\*{4}/);
    });

    it('refuses a bad query naming the field', async () => {
      expect((await search('').expect(400)).body.errors[0].field).toBe('q');
      expect((await search('x', agent1, { limit: 1000 }).expect(400)).body.errors[0].field).toBe('limit');
      expect((await search('x', agent1, { cursor: 'abc' }).expect(400)).body.errors[0].field).toBe('cursor');
      await gateway().get('/api/v1/customers/search').query({ q: 'x' }).expect(401);
    });
  });

  describe('duplicates', () => {
    it('refuses a create sharing a phone or email (409 with candidates) unless forced, and lists the pair for review', async () => {
      const original = await create(customerRequest());
      const before = await customerCount();
      const again = customerRequest({
        name: `另一个名字${randomUUID().slice(0, 4)}`,
        phone: original['phone'],
        email: (original['email'] as string).toUpperCase(),
      });
      const refused = await gateway().post('/api/v1/customers').set('authorization', agent1).send(again).expect(409);
      expect(refused.body.candidates).toEqual([
        expect.objectContaining({ id: original.id, matchedOn: ['phone', 'email'] }),
      ]);
      expect(refused.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'phone']);
      expect(await customerCount()).toBe(before);
      // another agent learns that a duplicate exists (its id), not what it holds
      await gateway().post('/api/v1/customers').set('authorization', agent2).send(again).expect(409);
      await gateway().get(`/api/v1/customers/${original.id}`).set('authorization', agent2).expect(404);

      const forced = await createForced(again);
      const review = (
        await gateway()
          .get('/api/v1/customers/duplicates')
          .query({ limit: 200 })
          .set('authorization', agent1)
          .expect(200)
      ).body;
      expect(review.items).toContainEqual(
        expect.objectContaining({ customerId: forced.id, duplicateOfId: original.id, matchedOn: ['phone', 'email'] }),
      );
      const others = (
        await gateway()
          .get('/api/v1/customers/duplicates')
          .query({ limit: 200 })
          .set('authorization', agent2)
          .expect(200)
      ).body;
      expect(others.items.map((p: { customerId: string }) => p.customerId)).not.toContain(forced.id);
    });

    it('notes a nearly equal name for review without refusing the create', async () => {
      const name = `司马相如${randomUUID().slice(0, 4)}`;
      const first = await create(customerRequest({ name }));
      const second = await create(customerRequest({ name }));
      const review = (
        await gateway()
          .get('/api/v1/customers/duplicates')
          .query({ limit: 200 })
          .set('authorization', agent1)
          .expect(200)
      ).body;
      expect(review.items).toContainEqual(
        expect.objectContaining({ customerId: second.id, duplicateOfId: first.id, matchedOn: ['name'] }),
      );
    });

    it('pages the review list and refuses bad input', async () => {
      const first = (
        await gateway().get('/api/v1/customers/duplicates').query({ limit: 1 }).set('authorization', agent1).expect(200)
      ).body;
      expect(first.items).toHaveLength(1);
      const second = (
        await gateway()
          .get('/api/v1/customers/duplicates')
          .query({ limit: 1, cursor: first.nextCursor })
          .set('authorization', agent1)
          .expect(200)
      ).body;
      expect(second.items[0]).not.toEqual(first.items[0]);
      const bad = await gateway()
        .get('/api/v1/customers/duplicates')
        .query({ limit: 0 })
        .set('authorization', agent1)
        .expect(400);
      expect(bad.body.errors[0].field).toBe('limit');
      await gateway()
        .post('/api/v1/customers')
        .query({ force: 'yes' })
        .set('authorization', agent1)
        .send(customerRequest())
        .expect(400);
    });
  });

  describe('POST /api/v1/customers/{id}/merge', () => {
    it('moves identifiers, phones, tags and consents to the survivor, redirects reads of the merged id and publishes customer.merged', async () => {
      const survivor = await create({ ...customerRequest({ tags: ['a'] }), gender: undefined });
      const source = await create(
        customerRequest({ name: `另一个${randomUUID().slice(0, 4)}`, tags: ['b'], gender: 'female' }),
      );
      await gateway()
        .post(`/api/v1/customers/${source.id}/consents`)
        .set('authorization', agent1)
        .send({ channel: 'email', purpose: 'marketing', granted: true, source: 'web_form' })
        .expect(201);
      const merged = await gateway()
        .post(`/api/v1/customers/${survivor.id}/merge`)
        .set('authorization', agent1)
        .send({ sourceId: source.id })
        .expect(200);
      expect(merged.body).toMatchObject({
        id: survivor.id,
        name: survivor['name'],
        gender: 'female',
        tags: ['a', 'b'],
        phones: [...(survivor['phones'] as string[]), ...(source['phones'] as string[])],
        identifiers: expect.arrayContaining([
          ...(survivor['identifiers'] as unknown[]),
          ...(source['identifiers'] as unknown[]),
        ]),
        version: 2,
      });
      const redirected = (
        await gateway().get(`/api/v1/customers/${source.id}`).set('authorization', agent1).expect(200)
      ).body;
      expect(redirected.id).toBe(survivor.id);
      const consents = (
        await gateway().get(`/api/v1/customers/${survivor.id}/consents`).set('authorization', agent1).expect(200)
      ).body;
      expect(consents.current).toEqual([expect.objectContaining({ channel: 'email', granted: true })]);
      expect(await events(survivor.id, 'customer.merged')).toEqual([
        expect.objectContaining({ survivorId: survivor.id, mergedId: source.id }),
      ]);
      const tombstone = (
        await db.query(`SELECT name, phones, merged_into FROM customer_profile.customers WHERE id = $1`, [source.id])
      ).rows[0];
      expect(tombstone).toEqual({ name: 'merged', phones: [], merged_into: survivor.id });
      const listed = (
        await gateway()
          .get('/api/v1/customers')
          .query({ tag: 'b', limit: 200 })
          .set('authorization', agent1)
          .expect(200)
      ).body;
      expect(listed.items.map((c: { id: string }) => c.id)).not.toContain(source.id);
      // merging it again is a conflict, and nothing moves twice
      const again = await gateway()
        .post(`/api/v1/customers/${survivor.id}/merge`)
        .set('authorization', agent1)
        .send({ sourceId: source.id })
        .expect(409);
      expect(again.body.errors[0].field).toBe('sourceId');
      expect(await events(survivor.id, 'customer.merged')).toHaveLength(1);
    });

    it('answers a retry with the same Idempotency-Key once', async () => {
      const survivor = await create(customerRequest());
      const source = await create(customerRequest());
      const key = randomUUID();
      const first = await gateway()
        .post(`/api/v1/customers/${survivor.id}/merge`)
        .set('authorization', agent1)
        .set('idempotency-key', key)
        .send({ sourceId: source.id })
        .expect(200);
      const retry = await gateway()
        .post(`/api/v1/customers/${survivor.id}/merge`)
        .set('authorization', agent1)
        .set('idempotency-key', key)
        .send({ sourceId: source.id })
        .expect(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(await events(survivor.id, 'customer.merged')).toHaveLength(1);
    });

    it("refuses a merge with itself, bad ids, other agents' customers and readers", async () => {
      const survivor = await create(customerRequest());
      const self = await gateway()
        .post(`/api/v1/customers/${survivor.id}/merge`)
        .set('authorization', agent1)
        .send({ sourceId: survivor.id })
        .expect(422);
      expect(self.body).toMatchObject({ code: 'invalid-merge-source', errors: [{ field: 'sourceId' }] });
      const bad = await gateway()
        .post(`/api/v1/customers/${survivor.id}/merge`)
        .set('authorization', agent1)
        .send({ sourceId: 'nope' })
        .expect(400);
      expect(bad.body.errors[0].field).toBe('sourceId');
      const theirs = await create(customerRequest(), agent2);
      const hidden = await gateway()
        .post(`/api/v1/customers/${survivor.id}/merge`)
        .set('authorization', agent1)
        .send({ sourceId: theirs.id })
        .expect(422);
      expect(hidden.body).toMatchObject({ code: 'invalid-merge-source', errors: [{ field: 'sourceId' }] });
      // no customer at all: the survivor at the path exists, so not a 404 on it
      const unknown = await gateway()
        .post(`/api/v1/customers/${survivor.id}/merge`)
        .set('authorization', agent1)
        .send({ sourceId: randomUUID() })
        .expect(422);
      expect(unknown.body.errors[0].field).toBe('sourceId');
      await gateway()
        .post(`/api/v1/customers/${survivor.id}/merge`)
        .set('authorization', analyst)
        .send({ sourceId: theirs.id })
        .expect(403);
      expect(
        (await gateway().get(`/api/v1/customers/${theirs.id}`).set('authorization', agent2).expect(200)).body.version,
      ).toBe(1);
    });
  });

  describe('consent', () => {
    it('records grants and withdrawals with history, and publishes consent.changed when the state changes', async () => {
      const created = await create(customerRequest());
      const url = `/api/v1/customers/${created.id}/consents`;
      const grant = {
        channel: 'sms',
        purpose: 'marketing',
        granted: true,
        source: 'store:signup-form',
        legalBasis: 'consent',
        occurredAt: '2026-11-20T10:15:00+08:00',
      };
      const first = await gateway().post(url).set('authorization', agent1).send(grant).expect(201);
      expect(first.body).toMatchObject({
        channel: 'sms',
        purpose: 'marketing',
        granted: true,
        recordedBy: 'agent1',
        occurredAt: '2026-11-20T02:15:00.000Z',
      });
      await gateway()
        .post(url)
        .set('authorization', agent1)
        .send({ ...grant, occurredAt: '2026-11-20T10:16:00+08:00' })
        .expect(201);
      await gateway()
        .post(url)
        .set('authorization', agent1)
        .send({
          channel: 'sms',
          purpose: 'marketing',
          granted: false,
          source: 'sms:reply-TD',
          occurredAt: '2026-11-21T09:00:00+08:00',
        })
        .expect(201);
      await gateway()
        .post(url)
        .set('authorization', agent1)
        .send({ channel: 'email', purpose: 'service', granted: true, source: 'contract', legalBasis: 'contract' })
        .expect(201);
      const overview = (await gateway().get(url).set('authorization', analyst).expect(200)).body;
      expect(overview.current).toEqual([
        expect.objectContaining({ channel: 'email', purpose: 'service', granted: true, legalBasis: 'contract' }),
        expect.objectContaining({ channel: 'sms', purpose: 'marketing', granted: false }),
      ]);
      expect(overview.history).toHaveLength(4);
      const changed = await events(created.id, 'consent.changed');
      expect(changed.map((e) => [e['channel'], e['purpose'], e['granted']])).toEqual([
        ['sms', 'marketing', true],
        ['sms', 'marketing', false],
        ['email', 'service', true],
      ]);
    });

    it('records once for a retried request with the same Idempotency-Key', async () => {
      const created = await create(customerRequest());
      const url = `/api/v1/customers/${created.id}/consents`;
      const key = randomUUID();
      const body = { channel: 'wechat', purpose: 'marketing', granted: true, source: 'wechat:mini-program' };
      const a = await gateway()
        .post(url)
        .set('authorization', agent1)
        .set('idempotency-key', key)
        .send(body)
        .expect(201);
      const b = await gateway()
        .post(url)
        .set('authorization', agent1)
        .set('idempotency-key', key)
        .send(body)
        .expect(201);
      expect(b.body.id).toBe(a.body.id);
      expect((await gateway().get(url).set('authorization', agent1).expect(200)).body.history).toHaveLength(1);
      expect(await events(created.id, 'consent.changed')).toHaveLength(1);
    });

    it('refuses bad input, other agents and readers-only', async () => {
      const created = await create(customerRequest());
      const url = `/api/v1/customers/${created.id}/consents`;
      const bad = await gateway()
        .post(url)
        .set('authorization', agent1)
        .send({ channel: 'fax', purpose: 'marketing', granted: 'yes', source: 'x' })
        .expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['channel', 'granted']);
      const ok = { channel: 'email', purpose: 'marketing', granted: true, source: 'x' };
      await gateway().post(url).set('authorization', agent2).send(ok).expect(404);
      await gateway().get(url).set('authorization', agent2).expect(404);
      await gateway().post(url).set('authorization', analyst).send(ok).expect(403);
      expect((await gateway().get(url).set('authorization', agent1).expect(200)).body.history).toEqual([]);
    });
  });

  describe('subject access and erasure', () => {
    it('exports everything held on the customer, consents included, to callers with pii:read', async () => {
      const created = await create(
        organisationRequest({ identifiers: [{ type: 'external', value: `ERP-${randomUUID()}` }] }),
      );
      await gateway()
        .post(`/api/v1/customers/${created.id}/consents`)
        .set('authorization', agent1)
        .send({ channel: 'email', purpose: 'marketing', granted: true, source: 'web_form' })
        .expect(201);
      const exported = (
        await gateway().get(`/api/v1/customers/${created.id}/export`).set('authorization', agent1).expect(200)
      ).body;
      expect(exported.customer).toMatchObject({
        id: created.id,
        contacts: created.contacts,
        identifiers: created.identifiers,
      });
      expect(exported.sections.consents).toEqual([expect.objectContaining({ channel: 'email', granted: true })]);
      await gateway().get(`/api/v1/customers/${created.id}/export`).set('authorization', analyst).expect(403);
      await gateway().get(`/api/v1/customers/${created.id}/export`).set('authorization', agent2).expect(404);
      const audit = await db.query(
        `SELECT count(*)::int AS n FROM gateway.audit_log WHERE action = 'customer.export' AND resource_id = $1`,
        [created.id],
      );
      expect(audit.rows[0].n).toBe(1);
    });

    it('erases: personal data gone, identifiers freed, customer.erased published, later reads 404', async () => {
      const body = customerRequest();
      const created = await create(body);
      await gateway()
        .post(`/api/v1/customers/${created.id}/consents`)
        .set('authorization', agent1)
        .send({ channel: 'sms', purpose: 'service', granted: true, source: 'call with 王小明' })
        .expect(201);
      await gateway().delete(`/api/v1/customers/${created.id}`).set('authorization', agent2).expect(404);
      await gateway().delete(`/api/v1/customers/${created.id}`).set('authorization', analyst).expect(403);
      await gateway().delete(`/api/v1/customers/${created.id}`).set('authorization', agent1).expect(202);

      await gateway().get(`/api/v1/customers/${created.id}`).set('authorization', agent1).expect(404);
      await gateway().get(`/api/v1/customers/${created.id}/export`).set('authorization', agent1).expect(404);
      await gateway()
        .patch(`/api/v1/customers/${created.id}`)
        .set('authorization', agent1)
        .send({ notes: 'x' })
        .expect(404);
      await gateway().delete(`/api/v1/customers/${created.id}`).set('authorization', agent1).expect(404);
      const row = (await db.query(`SELECT * FROM customer_profile.customers WHERE id = $1`, [created.id])).rows[0];
      expect(row).toMatchObject({
        name: 'erased',
        email: null,
        phone: null,
        phones: [],
        emails: [],
        addresses: [],
        notes: null,
        search_key: '',
      });
      expect(row.erased_at).not.toBeNull();
      const consent = (
        await db.query(`SELECT source, recorded_by FROM customer_profile.consent_records WHERE customer_id = $1`, [
          created.id,
        ])
      ).rows;
      expect(consent).toEqual([{ source: 'erased', recorded_by: 'erased' }]);
      expect(await events(created.id, 'customer.erased')).toEqual([
        expect.objectContaining({ customerId: created.id }),
      ]);
      // the identifier is free again
      await create(customerRequest({ identifiers: body['identifiers'] }));
      const search = (
        await gateway()
          .get('/api/v1/customers/search')
          .query({ q: body['name'] as string })
          .set('authorization', agent1)
          .expect(200)
      ).body;
      expect(search.items.map((h: { id: string }) => h.id)).not.toContain(created.id);
      await eventually(
        async () =>
          (
            await db.query(
              `SELECT published_at FROM customer_profile.outbox WHERE message_key = $1 AND event_type LIKE '%erased%'`,
              [created.id],
            )
          ).rows[0]?.published_at != null,
        20_000,
        'customer.erased on Kafka',
      );
    });
  });
});
