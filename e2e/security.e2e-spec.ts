import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { clientCredentialsToken } from '@rapport/stack';
import { adminClient, bearer, control, eventually, stackInfo } from '@rapport/testing';
import { importJWK, SignJWT, type JWK } from 'jose';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * The gateway's security promises, as a department's client or an attacker would meet them.
 * Tokens with bad claims are signed with the embedded provider's real key, so the claim (not the
 * signature) is what gets them refused.
 */
describe('gateway security', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  const issuer = () => `${stackInfo().gatewayUrl}/oidc`;
  let signingKey: JWK;
  let db: Client;
  let agent1Customer: string;

  beforeAll(async () => {
    const keys = JSON.parse(readFileSync(path.join(path.dirname(stackInfo().logDir), 'idp-keys.json'), 'utf8')) as {
      keys: JWK[];
    };
    signingKey = keys.keys[0]!;
    db = await adminClient();
    const created = await gateway()
      .post('/api/v1/customers')
      .set('authorization', await bearer('agent1'))
      .send({ name: '张伟', email: 'wei.zhang@example.com', phone: '+8613812345678' })
      .expect(201);
    agent1Customer = created.body.id;
  });
  afterAll(async () => {
    await db.end();
  });

  async function token(options: { issuer?: string; audience?: string; expiresIn?: string | number } = {}) {
    const key = signingKey;
    const jwt = new SignJWT({ scope: 'customers:read customers:write pii:read analytics:read admin', roles: ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setIssuer(options.issuer ?? issuer())
      .setAudience(options.audience ?? 'rapport-api')
      .setSubject('mallory')
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m');
    return jwt.sign(await importJWK(key, 'RS256'));
  }

  /** Every operation of the OpenAPI document, with path parameters filled in. */
  async function protectedRoutes(): Promise<Array<{ method: string; path: string }>> {
    const document = (await gateway().get('/api/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const routes: Array<{ method: string; path: string }> = [];
    for (const [template, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(operation.security).toBeDefined(); // every route declares its authorization policy
        routes.push({ method, path: template.replace(/\{[^}]+\}/g, randomUUID()) });
      }
    }
    expect(routes.length).toBeGreaterThanOrEqual(5);
    return routes;
  }

  const badTokens: Array<[string, () => Promise<string | undefined>]> = [
    ['no token', async () => undefined],
    ['an expired token', () => token({ expiresIn: Math.floor(Date.now() / 1000) - 600 })],
    ['a token from another issuer', () => token({ issuer: 'https://evil.example.com' })],
    ['a token for another audience', () => token({ audience: 'someone-else' })],
    [
      'an alg:none token',
      async () => {
        const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iss: issuer(), aud: 'rapport-api', sub: 'mallory', roles: ['admin'], scope: 'admin', iat: now, exp: now + 300 })}.`;
      },
    ],
    [
      'a tampered token',
      async () => {
        const [header, payload, signature] = (await userTokenFor('analyst')).split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
        claims.roles = ['admin'];
        claims.scope = 'admin customers:read customers:write pii:read';
        return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
      },
    ],
    [
      'an HMAC token signed with the public key',
      async () => {
        const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = signingKey;
        const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
        return new SignJWT({ roles: ['admin'], scope: 'admin' })
          .setProtectedHeader({ alg: 'HS256', kid: signingKey.kid })
          .setIssuer(issuer())
          .setAudience('rapport-api')
          .setSubject('mallory')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(secret);
      },
    ],
    ['a malformed token', async () => 'not.a.jwt'],
  ];

  async function userTokenFor(user: 'analyst') {
    return (await bearer(user)).slice('Bearer '.length);
  }

  it.each(badTokens)(
    'refuses %s on every protected route with 401 problem+json and WWW-Authenticate',
    async (_, make) => {
      const bad = await make();
      for (const route of await protectedRoutes()) {
        const call = (gateway() as unknown as Record<string, (p: string) => request.Test>)[route.method]!(
          route.path,
        ).send(route.method === 'get' ? undefined : { name: 'x' });
        if (bad !== undefined) call.set('authorization', `Bearer ${bad}`);
        const response = await call;
        expect({ route, status: response.status }).toEqual({ route, status: 401 });
        expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="rapport"/);
        expect(response.body.type).toBe('https://rapport.dev/problems/unauthorized');
      }
    },
  );

  it('accepts a token made the same way with the right claims (so the refusals above are about the claims)', async () => {
    await gateway()
      .get('/api/v1/admin/audit')
      .set('authorization', `Bearer ${await token()}`)
      .expect(200);
  });

  it('hides another team’s customer from an agent (404, existence not revealed) on every route with an id', async () => {
    const agent2 = await bearer('agent2');
    await gateway().get(`/api/v1/customers/${agent1Customer}`).set('authorization', agent2).expect(404);
    await gateway().get(`/api/v1/customers/${agent1Customer}/360`).set('authorization', agent2).expect(404);
    // The owner, the owner's manager and an executive see it.
    await gateway()
      .get(`/api/v1/customers/${agent1Customer}`)
      .set('authorization', await bearer('agent1'))
      .expect(200);
    await gateway()
      .get(`/api/v1/customers/${agent1Customer}`)
      .set('authorization', await bearer('manager'))
      .expect(200);
    await gateway()
      .get(`/api/v1/customers/${agent1Customer}`)
      .set('authorization', await bearer('exec'))
      .expect(200);
  });

  it('refuses admin routes to non-admins with 403', async () => {
    for (const user of ['exec', 'manager', 'agent1', 'analyst'] as const) {
      const response = await gateway()
        .get('/api/v1/admin/audit')
        .set('authorization', await bearer(user))
        .expect(403);
      expect(response.body.type).toBe('https://rapport.dev/problems/forbidden');
    }
    await gateway()
      .get('/api/v1/admin/audit')
      .set('authorization', await bearer('admin'))
      .expect(200);
  });

  it.each(['id', 'owner', 'ownerId', 'createdAt', 'tier'])(
    'refuses a write that sets the read-only or unknown field %s',
    async (field) => {
      const before = (await db.query('SELECT count(*)::int AS n FROM customer_profile.customers')).rows[0].n;
      const response = await gateway()
        .post('/api/v1/customers')
        .set('authorization', await bearer('agent1'))
        .send({ name: 'Read Only', [field]: 'x' })
        .expect(400);
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect((await db.query('SELECT count(*)::int AS n FROM customer_profile.customers')).rows[0].n).toBe(before);
    },
  );

  it('masks phones and emails for callers without pii:read, and audits unmasked reads', async () => {
    const masked = await gateway()
      .get(`/api/v1/customers/${agent1Customer}`)
      .set('authorization', await bearer('analyst'))
      .expect(200);
    expect(masked.body).toMatchObject({ email: 'w***@example.com', phone: '138****5678' });
    const clear = await gateway()
      .get(`/api/v1/customers/${agent1Customer}`)
      .set('authorization', await bearer('agent1'))
      .expect(200);
    expect(clear.body).toMatchObject({ email: 'wei.zhang@example.com', phone: '+8613812345678' });

    const audit = await gateway()
      .get('/api/v1/admin/audit')
      .query({ customerId: agent1Customer })
      .set('authorization', await bearer('admin'))
      .expect(200);
    const actions = audit.body.items.map(
      (e: { actor: string; action: string; piiUnmasked: boolean }) => `${e.actor}:${e.action}:${e.piiUnmasked}`,
    );
    expect(actions).toContain('agent1:customer.create:true');
    expect(actions).toContain('agent1:customer.read:true');
    expect(actions).not.toContain('analyst:customer.read:false'); // a masked read is no PII access
    const byUser = await gateway()
      .get('/api/v1/admin/audit')
      .query({ actor: 'manager' })
      .set('authorization', await bearer('admin'))
      .expect(200);
    expect(byUser.body.items.every((e: { actor: string }) => e.actor === 'manager')).toBe(true);
    // Append-only, even for the gateway's own database role.
    await expect(db.query('UPDATE gateway.audit_log SET actor = $1', ['nobody'])).rejects.toThrow('append-only');
  });

  it('gives a department client only its scopes (client credentials)', async () => {
    const client = `Bearer ${await clientCredentialsToken(stackInfo().gatewayUrl, 'demo-marketing', 'demo-marketing-secret', 'customers:read')}`;
    await gateway().get(`/api/v1/customers/${agent1Customer}`).set('authorization', client).expect(200);
    const write = await gateway()
      .post('/api/v1/customers')
      .set('authorization', client)
      .send({ name: 'Nope' })
      .expect(403);
    expect(write.body.detail).toContain('customers:write');
    await expect(
      clientCredentialsToken(stackInfo().gatewayUrl, 'demo-marketing', 'demo-marketing-secret', 'admin'),
    ).rejects.toThrow('invalid_scope');
  });

  it('answers 429 with Retry-After and RateLimit headers over the rate limit', async () => {
    const client = await clientCredentialsToken(stackInfo().gatewayUrl, 'demo-marketing', 'demo-marketing-secret');
    const responses = await Promise.all(
      Array.from({ length: 150 }, () =>
        gateway().get('/api/v1/analytics/customers/count').set('authorization', `Bearer ${client}`),
      ),
    );
    const limited = responses.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(responses.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    expect(limited[0]!.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited[0]!.headers['ratelimit-limit']).toBeDefined();
    expect(limited[0]!.headers['ratelimit-remaining']).toBe('0');
    expect(limited[0]!.body.type).toBe('https://rapport.dev/problems/rate-limited');
  });

  it('refuses a 2 MB body with 413 problem+json', async () => {
    const response = await gateway()
      .post('/api/v1/customers')
      .set('authorization', await bearer('agent1'))
      .send({ name: 'x'.repeat(2 * 1024 * 1024) })
      .expect(413);
    expect(response.body.type).toBe('https://rapport.dev/problems/payload-too-large');
  });

  it('replays a POST retried with the same Idempotency-Key and refuses the key with another body', async () => {
    const agent = await bearer('agent1');
    const key = randomUUID();
    const first = await gateway()
      .post('/api/v1/customers')
      .set('authorization', agent)
      .set('idempotency-key', key)
      .send({ name: 'Once Only' })
      .expect(201);
    const retry = await gateway()
      .post('/api/v1/customers')
      .set('authorization', agent)
      .set('idempotency-key', key)
      .send({ name: 'Once Only' })
      .expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM customer_profile.customers WHERE name = 'Once Only'`,
    );
    expect(rows[0].n).toBe(1);
    const other = await gateway()
      .post('/api/v1/customers')
      .set('authorization', agent)
      .set('idempotency-key', key)
      .send({ name: 'Someone Else' })
      .expect(422);
    expect(other.body.type).toBe('https://rapport.dev/problems/unprocessable');
  });

  it('composes the customer 360 view, and degrades to a partial answer when a service is down', async () => {
    const agent = await bearer('agent1');
    const whole = await eventually(
      async () => {
        const r = await gateway()
          .get(`/api/v1/customers/${agent1Customer}/360`)
          .set('authorization', agent)
          .expect(200);
        return r.body.loyalty ? r.body : undefined;
      },
      20_000,
      'loyalty to know the new member',
    );
    expect(whole).toMatchObject({
      customerId: agent1Customer,
      profile: { id: agent1Customer, name: '张伟' },
      loyalty: { customerId: agent1Customer },
    });
    expect(whole.missing).toEqual([{ part: 'analytics', reason: 'requires the analytics:read scope' }]);

    await control('services/loyalty/stop');
    try {
      const partial = await gateway()
        .get(`/api/v1/customers/${agent1Customer}/360`)
        .set('authorization', agent)
        .expect(200);
      expect(partial.body.profile.id).toBe(agent1Customer);
      expect(partial.body.loyalty).toBeNull();
      expect(partial.body.missing).toEqual(
        expect.arrayContaining([{ part: 'loyalty', reason: 'loyalty is unavailable' }]),
      );
    } finally {
      await control('services/loyalty/start');
    }
  });

  it('serves OpenID discovery for the embedded provider', async () => {
    const discovery = await gateway().get('/oidc/.well-known/openid-configuration').expect(200);
    expect(discovery.body).toMatchObject({
      issuer: issuer(),
      jwks_uri: `${issuer()}/jwks`,
      token_endpoint: `${issuer()}/token`,
    });
    const jwks = await gateway().get('/oidc/jwks').expect(200);
    expect(jwks.body.keys.length).toBeGreaterThanOrEqual(2); // rotation without downtime: the next key is published too
    expect(jwks.body.keys.every((k: JWK) => k.d === undefined)).toBe(true);
  });

  it('sends security headers', async () => {
    const response = await gateway().get('/health/live').expect(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});
