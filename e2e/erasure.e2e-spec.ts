import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ErasureAcknowledgedV1, schemaOf, SERVICE_NAMES, SUBJECT_RIGHTS_PARTICIPANTS } from '@rapport/contracts';
import { adminClient, bearer, cnMobile, control, customerRequest, eventually, stackInfo } from '@rapport/testing';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import type { Client } from 'pg';
import request from 'supertest';

interface ServiceState {
  service: string;
  state: 'pending' | 'acknowledged';
  acknowledgedAt: string | null;
  removed: Record<string, number> | null;
  kept: Array<{ what: string; why: string }> | null;
}

interface Erasure {
  id: string;
  customerId: string;
  requestedBy: string;
  requestedAt: string;
  state: 'open' | 'completed';
  completedAt: string | null;
  services: ServiceState[];
}

interface ReceiptPayload {
  iss: string;
  erasureId: string;
  customerId: string;
  requestedAt: string;
  completedAt: string;
  issuedAt: string;
  services: Array<Omit<ServiceState, 'state'>>;
}

/**
 * The services an erasure waits for, as the registry says: every subject-rights participant that has
 * an acknowledgement event. Pending services join this list when they register, and the test with them.
 */
const EXPECTED = SUBJECT_RIGHTS_PARTICIPANTS.map((p) => p.service).filter((s) => s in ErasureAcknowledgedV1);

/**
 * Erasure as a privacy officer runs it: DELETE opens a request (202 + Location), every participating
 * service erases its part and acknowledges, and the complete request has a receipt signed with the
 * platform's key that a JOSE library verifies against the published JWKS.
 */
describe('erasure with a signed receipt', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  let agent1: string;

  /** A customer of agent1 with a purchase (so loyalty holds an account), created with an Idempotency-Key. */
  async function customerWithPurchase(): Promise<{
    id: string;
    name: string;
    email: string;
    phone: string;
    openid: string;
    idempotencyKey: string;
  }> {
    const n = randomUUID().slice(0, 8);
    const phone = cnMobile();
    const body = customerRequest({
      name: `抹除测试${n}`,
      email: `erase.me.${n}@example.com`,
      phone: phone.typed,
      identifiers: [{ type: 'wechat_openid', value: `oW-erase-${n}` }],
    });
    const idempotencyKey = `erasure-create-${n}`;
    const created = await gateway()
      .post('/api/v1/customers')
      .set('authorization', agent1)
      .set('idempotency-key', idempotencyKey)
      .send(body)
      .expect(201);
    await gateway()
      .post(`/api/v1/customers/${created.body.id}/purchases`)
      .set('authorization', agent1)
      .set('idempotency-key', `${idempotencyKey}-purchase`)
      .send({
        externalOrderId: `SO-ERASE-${n}`,
        currency: 'CNY',
        occurredAt: '2026-11-20T10:15:00+08:00',
        lines: [{ sku: 'TEA-001', name: '西湖龙井', quantity: 2, unitPrice: 88.5 }],
      })
      .expect(201);
    await eventually(
      async () =>
        (await db.query(`SELECT 1 FROM loyalty.members WHERE customer_id = $1`, [created.body.id])).rowCount === 1,
      30_000,
      'loyalty to open the account from the purchase',
    );
    return {
      id: created.body.id,
      name: `抹除测试${n}`,
      email: `erase.me.${n}@example.com`,
      phone: phone.e164,
      openid: `oW-erase-${n}`,
      idempotencyKey,
    };
  }

  const erasure = async (id: string, auth = agent1) =>
    (await gateway().get(`/api/v1/erasures/${id}`).set('authorization', auth).expect(200)).body as Erasure;
  /** The request once complete; a timeout names the services still pending. */
  const completed = (id: string) =>
    eventually(
      async () => {
        const current = await erasure(id);
        if (current.state === 'completed') return current;
        throw new Error(
          `still pending: ${current.services
            .filter((s) => s.state === 'pending')
            .map((s) => s.service)
            .join(', ')}`,
        );
      },
      45_000,
      `erasure ${id} to complete`,
    );

  beforeAll(async () => {
    db = await adminClient();
    agent1 = await bearer('agent1');
  });

  afterAll(() => db.end());

  describe('a customer erased while every service runs', () => {
    let customer: Awaited<ReturnType<typeof customerWithPurchase>>;
    let erasureId: string;
    let deleted: request.Response;

    beforeAll(async () => {
      customer = await customerWithPurchase();
      deleted = await gateway().delete(`/api/v1/customers/${customer.id}`).set('authorization', agent1);
      erasureId = deleted.body.id;
    });

    it('answers 202 with the request at Location, waiting for every registered participant', async () => {
      expect(deleted.status).toBe(202);
      expect(deleted.headers['location']).toBe(`/api/v1/erasures/${erasureId}`);
      expect(deleted.body).toMatchObject({ customerId: customer.id, requestedBy: 'agent1' });
      const request = await erasure(erasureId);
      expect(request.services.map((s) => s.service)).toEqual(expect.arrayContaining(EXPECTED));
      // customer-profile erased its part in the DELETE's own transaction, and says what
      expect(request.services.find((s) => s.service === 'customer-profile')).toMatchObject({
        state: 'acknowledged',
        removed: expect.objectContaining({ profile: 1, identifiers: 1, consentRecordsAnonymised: 0 }),
        kept: expect.arrayContaining([expect.objectContaining({ what: expect.stringContaining('purchases') })]),
      });
      await gateway().get(`/api/v1/customers/${customer.id}`).set('authorization', agent1).expect(404);
    });

    it('completes once every expected service acknowledged, and the receipt verifies against the published JWKS', async () => {
      const done = await completed(erasureId);
      expect(
        done.services.filter((s) => EXPECTED.includes(s.service as never)).every((s) => s.state === 'acknowledged'),
      ).toBe(true);
      // loyalty held an account and the purchase's points: it removed something, and counted it
      const loyaltyRemoved = done.services.find((s) => s.service === 'loyalty')?.removed ?? {};
      expect(Object.values(loyaltyRemoved).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

      const receipt = await gateway()
        .get(`/api/v1/erasures/${erasureId}/receipt`)
        .set('authorization', agent1)
        .expect(200);
      expect(receipt.body).toMatchObject({ erasureId, jwksUri: '/api/v1/erasures/jwks.json' });
      // the JWKS is public: no token
      const jwksAnswer = await gateway().get(receipt.body.jwksUri).expect(200);
      const jwks = jwksAnswer.body as JSONWebKeySet;
      expect(jwks.keys.every((k) => k['d'] === undefined)).toBe(true); // never the private part
      const { payload, protectedHeader } = await compactVerify(receipt.body.jws as string, createLocalJWKSet(jwks));
      expect(protectedHeader).toMatchObject({
        alg: expect.stringMatching(/^(ES256|EdDSA)$/),
        kid: receipt.body.kid,
        typ: 'erasure-receipt+jws',
      });
      const signed = JSON.parse(new TextDecoder().decode(payload)) as ReceiptPayload;
      expect(signed).toMatchObject({
        erasureId,
        customerId: customer.id,
        requestedAt: done.requestedAt,
        completedAt: done.completedAt,
      });
      expect(signed.services.map((s) => s.service)).toEqual(expect.arrayContaining(EXPECTED));
      for (const service of signed.services) {
        const acknowledged = done.services.find((s) => s.service === service.service)!;
        expect(service).toEqual({
          service: acknowledged.service,
          acknowledgedAt: acknowledged.acknowledgedAt,
          removed: acknowledged.removed,
          kept: acknowledged.kept,
        });
        expect(Date.parse(service.acknowledgedAt!)).toBeGreaterThanOrEqual(Date.parse(done.requestedAt) - 1_000);
      }
      expect(Date.parse(signed.completedAt)).toBeGreaterThanOrEqual(Date.parse(signed.requestedAt));

      // A receipt altered after signing does not verify.
      const [header, , signature] = (receipt.body.jws as string).split('.');
      const forged = Buffer.from(JSON.stringify({ ...signed, customerId: randomUUID() })).toString('base64url');
      await expect(compactVerify(`${header}.${forged}.${signature}`, createLocalJWKSet(jwks))).rejects.toThrow();
      expect(decodeProtectedHeader(receipt.body.jws as string).kid).toBe(receipt.body.kid);
    });

    it('forgets the stored Idempotency-Key replies that carried the customer: a retry runs as a new request', async () => {
      const { rows } = await db.query(`SELECT key FROM gateway.idempotency_keys WHERE key = ANY($1::text[])`, [
        [customer.idempotencyKey, `${customer.idempotencyKey}-purchase`],
      ]);
      expect(rows).toEqual([]);
      const retried = await gateway()
        .post('/api/v1/customers')
        .set('authorization', agent1)
        .set('idempotency-key', customer.idempotencyKey)
        .send({ name: 'Someone else', kind: 'person' });
      // Not the erased record replayed (nor 422 for another body under a known key): a fresh create.
      expect(retried.status).toBe(201);
      expect(retried.headers['idempotent-replayed']).toBeUndefined();
      expect(retried.body.id).not.toBe(customer.id);
    });

    it('leaves none of the personal data in any schema, any stored reply or any log line', async () => {
      await completed(erasureId);
      const needles = [customer.name, customer.email, customer.phone, customer.openid];
      const tables = (
        await db.query(
          `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema = ANY($1::text[]) AND table_type = 'BASE TABLE'`,
          [SERVICE_NAMES.map((s) => schemaOf(s))],
        )
      ).rows as Array<{ table_schema: string; table_name: string }>;
      expect(tables.length).toBeGreaterThan(10);
      const found: string[] = [];
      for (const { table_schema, table_name } of tables) {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM "${table_schema}"."${table_name}" t WHERE ${needles.map((_, i) => `strpos(t::text, $${i + 1}) > 0`).join(' OR ')}`,
          needles,
        );
        if (rows[0].n > 0) found.push(`${table_schema}.${table_name}`);
      }
      expect(found).toEqual([]);

      const logDir = stackInfo().logDir;
      const leaking = readdirSync(logDir)
        .filter((f) => f.endsWith('.log'))
        .flatMap((f) =>
          readFileSync(path.join(logDir, f), 'utf8')
            .split('\n')
            .filter((line) => needles.some((n) => line.includes(n)))
            .map((line) => `${f}: ${line.slice(0, 200)}`),
        );
      expect(leaking).toEqual([]);
    });
  });

  it('keeps the request open while a participant is down, and issues the receipt only after it restarted and acknowledged', async () => {
    const customer = await customerWithPurchase();
    await control('services/loyalty/stop');
    let erasureId: string;
    try {
      const deleted = await gateway()
        .delete(`/api/v1/customers/${customer.id}`)
        .set('authorization', agent1)
        .expect(202);
      erasureId = deleted.body.id;
      // customer-profile's part is done; loyalty cannot have answered
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const open = await erasure(erasureId);
      expect(open.state).toBe('open');
      expect(open.completedAt).toBeNull();
      expect(open.services.find((s) => s.service === 'loyalty')).toEqual({
        service: 'loyalty',
        state: 'pending',
        acknowledgedAt: null,
        removed: null,
        kept: null,
      });
      const refused = await gateway()
        .get(`/api/v1/erasures/${erasureId}/receipt`)
        .set('authorization', agent1)
        .expect(409);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.body).toMatchObject({
        type: 'https://rapport.dev/problems/conflict',
        code: 'erasure-incomplete',
        pending: expect.arrayContaining(['loyalty']),
      });
      expect(refused.headers['retry-after']).toBeDefined();
    } finally {
      await control('services/loyalty/start');
    }
    const done = await completed(erasureId);
    const loyalty = done.services.find((s) => s.service === 'loyalty')!;
    expect(loyalty.state).toBe('acknowledged');
    expect(Date.parse(done.completedAt!)).toBeGreaterThanOrEqual(Date.parse(loyalty.acknowledgedAt!) - 1_000);
    await gateway().get(`/api/v1/erasures/${erasureId}/receipt`).set('authorization', agent1).expect(200);
    const { rowCount } = await db.query(`SELECT 1 FROM loyalty.members WHERE customer_id = $1 AND erased_at IS NULL`, [
      customer.id,
    ]);
    expect(rowCount).toBe(0);
  });

  it('refuses bad ids (400), unknown requests (404), another agent (404), callers who may not erase (403) and no token (401)', async () => {
    const customer = await gateway()
      .post('/api/v1/customers')
      .set('authorization', agent1)
      .send(customerRequest())
      .expect(201);
    const erasureId = (
      await gateway().delete(`/api/v1/customers/${customer.body.id}`).set('authorization', agent1).expect(202)
    ).body.id as string;
    for (const route of [`/api/v1/erasures/not-a-uuid`, `/api/v1/erasures/not-a-uuid/receipt`]) {
      const bad = await gateway().get(route).set('authorization', agent1).expect(400);
      expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    for (const route of [`/api/v1/erasures/${randomUUID()}`, `/api/v1/erasures/${randomUUID()}/receipt`]) {
      const unknown = await gateway().get(route).set('authorization', agent1).expect(404);
      expect(unknown.body.type).toBe('https://rapport.dev/problems/not-found');
    }
    const agent2 = await bearer('agent2');
    await gateway().get(`/api/v1/erasures/${erasureId}`).set('authorization', agent2).expect(404);
    await gateway().get(`/api/v1/erasures/${erasureId}/receipt`).set('authorization', agent2).expect(404);
    const analyst = await bearer('analyst');
    const forbidden = await gateway().get(`/api/v1/erasures/${erasureId}`).set('authorization', analyst).expect(403);
    expect(forbidden.body.missingScopes).toEqual(['customers:write']);
    await gateway().get(`/api/v1/erasures/${erasureId}/receipt`).set('authorization', analyst).expect(403);
    await gateway().get(`/api/v1/erasures/${erasureId}`).expect(401);
    // an admin sees every request
    expect((await erasure(erasureId, await bearer('admin'))).id).toBe(erasureId);
  });
});
