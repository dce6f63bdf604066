import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import express from 'express';
import type { JSONWebKeySet } from 'jose';
import type { EmbeddedIdp } from './embedded-idp';

// The IdP is built on oidc-provider and jose, which are ES modules. Jest's module registry loads ESM only when
// Node runs with --experimental-vm-modules (the unit-test command does not pass it), and configuration objects
// made inside Jest's sandbox fail oidc-provider's plain-object checks. So this suite loads the IdP and jose with
// Node's own require, taken from Node's main context (Jest does not intercept it), as the built gateway loads
// them: from the build (dist/, which `npm test` makes first), where the workspace aliases are resolved. Nothing
// is faked.
const nativeRequire = (vm.runInThisContext('process') as NodeJS.Process)
  .getBuiltinModule('node:module')
  .createRequire(__filename);
const built = path.resolve(__dirname, '../../../../dist/apps/gateway/src/embedded-idp/embedded-idp.js');
const { createEmbeddedIdp, DEMO_USER_GRANT } = nativeRequire(built) as typeof import('./embedded-idp');
const { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } = nativeRequire(
  'jose',
) as typeof import('jose');

const AUDIENCE = 'rapport-api';

interface Served {
  base: string;
  issuer: string;
  idp: EmbeddedIdp;
  close(): Promise<void>;
}

/** Mounts a new embedded IdP at /oidc on Express, as the gateway does, on a free port. */
async function serve(keysFile: string, mount: 'express' | 'plain' = 'express'): Promise<Served> {
  // The issuer URL needs the port, so the server listens before the IdP exists.
  const mounted: { handler?: EmbeddedIdp['handler'] } = {};
  const delegate = (req: http.IncomingMessage, res: http.ServerResponse) => mounted.handler?.(req, res);
  let server: http.Server;
  if (mount === 'express') {
    const app = express();
    app.use('/oidc', delegate);
    server = http.createServer(app);
  } else {
    server = http.createServer(delegate);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/oidc`;
  const idp = await createEmbeddedIdp({ issuer, audience: AUDIENCE, keysFile });
  mounted.handler = idp.handler;
  return {
    base,
    issuer,
    idp,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const basic = (clientId: string, secret: string) => `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;

async function tokenRequest(
  served: Served,
  params: Record<string, string>,
  authorization?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${served.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const marketing = (served: Served, params: Record<string, string> = {}) =>
  tokenRequest(
    served,
    { grant_type: 'client_credentials', ...params },
    basic('demo-marketing', 'demo-marketing-secret'),
  );

const demoUser = (served: Served, username: string) =>
  tokenRequest(served, { grant_type: DEMO_USER_GRANT, username }, basic('rapport-cli', 'rapport-cli-secret'));

async function jwks(served: Served): Promise<JSONWebKeySet> {
  return (await (await fetch(`${served.issuer}/jwks`)).json()) as JSONWebKeySet;
}

describe(createEmbeddedIdp.name, () => {
  let dir: string;
  let sut: Served;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-idp-'));
    sut = await serve(path.join(dir, 'keys.json'));
  });

  afterAll(async () => {
    await sut?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes discovery under the mount path', async () => {
    const response = await fetch(`${sut.base}/oidc/.well-known/openid-configuration`);
    const discovery = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(200);
    expect(discovery).toMatchObject({
      issuer: sut.issuer,
      jwks_uri: `${sut.base}/oidc/jwks`,
      token_endpoint: `${sut.base}/oidc/token`,
    });
    expect(discovery.grant_types_supported).toEqual(expect.arrayContaining(['client_credentials', DEMO_USER_GRANT]));
  });

  it('issues a verifiable JWT to a department client (client_credentials)', async () => {
    const { status, body } = await marketing(sut);
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'customers:read analytics:read' });

    const { jwks_uri } = (await (await fetch(`${sut.issuer}/.well-known/openid-configuration`)).json()) as {
      jwks_uri: string;
    };
    const { payload, protectedHeader } = await jwtVerify(
      body.access_token as string,
      createRemoteJWKSet(new URL(jwks_uri)),
      {
        issuer: sut.issuer,
        audience: AUDIENCE,
      },
    );
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      sub: 'demo-marketing',
      client_id: 'demo-marketing',
      scope: 'customers:read analytics:read',
      roles: ['integration'],
    });
    expect(payload.team).toBeUndefined();
    expect(payload.nbf).toBe(payload.iat);
    expect(payload.exp).toBe((payload.iat as number) + 3600);
  });

  it('narrows a client token to the requested scopes, also with client_secret_post', async () => {
    const { status, body } = await tokenRequest(sut, {
      grant_type: 'client_credentials',
      scope: 'customers:read',
      client_id: 'demo-marketing',
      client_secret: 'demo-marketing-secret',
    });
    expect(status).toBe(200);
    expect(body.scope).toBe('customers:read');
  });

  it.each(['admin', 'customers:read nonexistent'])(
    "rejects scope %p outside the client's own with invalid_scope",
    async (scope) => {
      const { status, body } = await marketing(sut, { scope });
      expect(status).toBe(400);
      expect(body.error).toBe('invalid_scope');
    },
  );

  it('rejects a wrong client secret with 401 invalid_client', async () => {
    const { status, body } = await tokenRequest(
      sut,
      { grant_type: 'client_credentials' },
      basic('demo-marketing', 'wrong'),
    );
    expect(status).toBe(401);
    expect(body.error).toBe('invalid_client');
  });

  it('issues a demo user token with roles, team and the role scopes', async () => {
    const { status, body } = await demoUser(sut, 'agent1');
    expect(status).toBe(200);

    const { payload } = await jwtVerify(body.access_token as string, createLocalJWKSet(await jwks(sut)), {
      issuer: sut.issuer,
      audience: AUDIENCE,
    });
    expect(payload).toMatchObject({ sub: 'agent1', client_id: 'rapport-cli', roles: ['agent'], team: 'north' });
    expect((payload.scope as string).split(' ')).toEqual(expect.arrayContaining(['customers:write', 'pii:read']));
    expect((payload.scope as string).split(' ')).not.toContain('admin');
  });

  it('leaves pii:read out of an analyst token', async () => {
    const { body } = await demoUser(sut, 'analyst');
    const { payload } = await jwtVerify(body.access_token as string, createLocalJWKSet(await jwks(sut)));
    expect(payload.scope).toBe('customers:read analytics:read interactions:read');
    expect(payload.roles).toEqual(['analyst']);
  });

  it('rejects an unknown demo user with invalid_grant', async () => {
    const { status, body } = await demoUser(sut, 'nobody');
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_grant');
  });

  it('allows the demo user grant only to rapport-cli', async () => {
    const { status, body } = await tokenRequest(
      sut,
      { grant_type: DEMO_USER_GRANT, username: 'admin' },
      basic('demo-marketing', 'demo-marketing-secret'),
    );
    expect(status).toBe(400);
    expect(body.access_token).toBeUndefined();
  });

  it('publishes two public RSA keys', async () => {
    const { keys } = await jwks(sut);
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(key.d).toBeUndefined();
    }
  });

  it('keeps its keys across restarts on the same keys file', async () => {
    const { body } = await marketing(sut);
    const restarted = await serve(path.join(dir, 'keys.json'));
    try {
      await expect(
        jwtVerify(body.access_token as string, createLocalJWKSet(await jwks(restarted))),
      ).resolves.toBeDefined();
    } finally {
      await restarted.close();
    }
  });

  it('rotates keys: signs with a new key, still publishes the previous one, persists the change', async () => {
    const keysFile = path.join(dir, 'rotation', 'keys.json');
    const rotating = await serve(keysFile, 'plain');
    try {
      const before = (await marketing(rotating)).body.access_token as string;
      const [oldSigning, oldSpare] = (await jwks(rotating)).keys;

      await rotating.idp.rotateKeys();

      const after = (await marketing(rotating)).body.access_token as string;
      const published = await jwks(rotating);
      expect(published.keys.map((k) => k.kid)).toEqual([decodeProtectedHeader(after).kid, oldSigning.kid]);
      expect(published.keys.map((k) => k.kid)).not.toContain(oldSpare.kid);
      await expect(jwtVerify(before, createLocalJWKSet(published))).resolves.toBeDefined();

      const persisted = JSON.parse(fs.readFileSync(keysFile, 'utf8')) as { keys: { kid: string }[] };
      expect(persisted.keys.map((k) => k.kid)).toEqual(published.keys.map((k) => k.kid));
    } finally {
      await rotating.close();
    }
  });
});
