import { effectiveScopes, SCOPES } from '@rapport/platform-auth';
import { generateKeyPair, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { calculateJwkThumbprint } from 'jose';
import {
  errors,
  Provider,
  type Adapter,
  type BaseToken,
  type Client,
  type ClientMetadata,
  type Configuration,
  type JWK,
  type KoaContextWithOIDC,
  type ResourceServerInfo,
} from 'oidc-provider';

/**
 * The embedded OpenID provider: the local default for OIDC_ISSUER, mounted by the gateway at `/oidc`.
 * Production points OIDC_ISSUER at a real IdP; everything here (users, clients, secrets) is demo data.
 * Built on oidc-provider: token minting, signing, client authentication and the OAuth error format are the
 * library's; this file only supplies configuration, a key file and the demo-user grant.
 */

export interface DemoUser {
  sub: string;
  name: string;
  roles: string[];
  team?: string;
}

export const DEMO_USERS: Record<string, DemoUser> = {
  admin: { sub: 'admin', name: 'Ada Admin', roles: ['admin'] },
  exec: { sub: 'exec', name: 'Evelyn Executive', roles: ['executive'] },
  manager: { sub: 'manager', name: 'Morgan Manager', roles: ['manager'], team: 'north' },
  agent1: { sub: 'agent1', name: 'Alex Agent', roles: ['agent'], team: 'north' },
  agent2: { sub: 'agent2', name: 'Sam Agent', roles: ['agent'], team: 'south' },
  analyst: { sub: 'analyst', name: 'Ana Analyst', roles: ['analyst'] },
  // The API fuzzer's user (npm run fuzz): an admin, so that it reaches every operation, whose own
  // subject keeps its data and its rate-limit bucket apart (the local stack gives it a larger one).
  fuzzer: { sub: 'fuzzer', name: 'Fuzz Tester', roles: ['admin'] },
};

export interface DemoClient {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  description: string;
}

export const DEMO_USER_GRANT = 'urn:rapport:params:oauth:grant-type:demo-user';

/** The only client allowed to use DEMO_USER_GRANT. */
const CLI_CLIENT_ID = 'rapport-cli';

export const DEMO_CLIENTS: DemoClient[] = [
  {
    clientId: 'demo-marketing',
    clientSecret: 'demo-marketing-secret',
    scopes: ['customers:read', 'analytics:read'],
    description: "The marketing department's integration (OAuth 2.0 client_credentials).",
  },
  {
    clientId: CLI_CLIENT_ID,
    clientSecret: 'rapport-cli-secret',
    scopes: [],
    description: 'Used only by `npm run token` to get access tokens for the demo users.',
  },
];

/** The scopes and role grants are the platform's own (libs/platform/auth): one list, used by the gateway too. */
export const ALL_SCOPES: string[] = [...SCOPES];

/** Role carried by every client_credentials token: a department's system, not a person. */
const INTEGRATION_ROLE = 'integration';

export interface EmbeddedIdpOptions {
  /** Full issuer URL including the mount path, e.g. `http://127.0.0.1:3000/oidc`. */
  issuer: string;
  /** `aud` of every access token, e.g. `rapport-api`. */
  audience: string;
  /** JSON file holding the private signing keys and the cookie secret; created (mode 0600) on first start. */
  keysFile: string;
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Called for unexpected (500) errors inside the provider, which oidc-provider otherwise swallows. Default: console.error. */
  onServerError?: (error: Error) => void;
}

export interface EmbeddedIdp {
  /**
   * Node/Express request handler. Mount it at the issuer's path (`app.use('/oidc', handler)`) or serve it
   * unmounted. Mount it ahead of any body parser (or exclude /oidc from them): oidc-provider reads the body
   * itself, and only falls back to a pre-parsed `req.body` with a console warning.
   */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Puts a new signing key first, keeps the previous one (published, for verification) and drops older ones. */
  rotateKeys(): Promise<void>;
}

/** Signing keys kept: the current one plus its predecessor, so tokens signed before a rotation still verify. */
const KEYS_KEPT = 2;
const SIGNING_ALG = 'RS256';

interface KeysFileContent {
  /** Private RSA JWKs, signing key first. */
  keys: JWK[];
  /** Secret for oidc-provider's signed cookies. */
  cookieSecret: string;
}

export async function createEmbeddedIdp(options: EmbeddedIdpOptions): Promise<EmbeddedIdp> {
  const { issuer, audience } = options;
  const ttl = options.accessTokenTtlSeconds ?? 3600;
  const onServerError = options.onServerError ?? ((error: Error) => console.error('embedded IdP error:', error));
  const mountPath = new URL(issuer).pathname.replace(/\/$/, '');

  // RFC 8707 resource indicators must be absolute URIs; the audience need not be one ('rapport-api'), so the
  // resource server is named by a URN derived from it, and the tokens still carry `aud` = audience.
  const resourceIndicator = URL.canParse(audience) ? audience : `urn:rapport:resource-server:${audience}`;

  let stored = await loadOrCreateKeys(options.keysFile);
  // One store for every provider instance, so a key rotation (which builds a new instance) keeps state.
  const adapter = memoryAdapterFactory();

  const build = () => {
    const provider = buildProvider({
      issuer,
      audience,
      resourceIndicator,
      ttl,
      keys: stored,
      adapter,
      onServerError,
    });
    return provider.callback();
  };

  // Key rotation swaps in a provider built with the new key set; requests already running finish on the old one.
  let current = build();

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const request = req as IncomingMessage & { originalUrl?: string };
    // Express strips the mount path and keeps it in originalUrl, which oidc-provider uses to build its URLs.
    // Served unmounted (a plain node:http server), do the same here.
    if (request.originalUrl === undefined && mountPath && request.url && isUnder(request.url, mountPath)) {
      request.originalUrl = request.url;
      request.url = request.url.slice(mountPath.length) || '/';
      if (request.url.startsWith('?')) request.url = `/${request.url}`;
    }
    void current(req, res);
  };

  let rotation: Promise<void> = Promise.resolve();
  const rotateKeys = (): Promise<void> => {
    const next = rotation.then(async () => {
      const key = await generateSigningKey();
      stored = { ...stored, keys: [key, ...stored.keys].slice(0, KEYS_KEPT) };
      await writeKeysFile(options.keysFile, stored);
      current = build();
    });
    rotation = next.catch(() => undefined);
    return next;
  };

  return { handler, rotateKeys };
}

interface BuildOptions {
  issuer: string;
  audience: string;
  resourceIndicator: string;
  ttl: number;
  keys: KeysFileContent;
  adapter: (name: string) => Adapter;
  onServerError: (error: Error) => void;
}

function buildProvider(options: BuildOptions): Provider {
  const { audience, resourceIndicator, ttl } = options;
  const signingKid = options.keys.keys[0]?.kid;
  const resourceServerInfo: ResourceServerInfo = {
    scope: ALL_SCOPES.join(' '),
    audience,
    accessTokenTTL: ttl,
    accessTokenFormat: 'jwt',
    // Name the signing key rather than rely on key order; the other key is only published.
    jwt: { sign: { alg: SIGNING_ALG, kid: signingKid } },
  };

  const configuration: Configuration = {
    adapter: options.adapter,
    clients: DEMO_CLIENTS.map(toClientMetadata),
    jwks: { keys: options.keys.keys },
    cookies: { keys: [options.keys.cookieSecret] },
    // Declaring the scopes lets the library reject a scope outside a client's own ones with invalid_scope.
    scopes: ['openid', ...ALL_SCOPES],
    // No browser flows (there are no login pages): only the token endpoint's grants are offered.
    responseTypes: [],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    claims: { openid: ['sub'], profile: ['name'] },
    findAccount: async (_ctx, sub) => {
      const user = Object.values(DEMO_USERS).find((u) => u.sub === sub);
      return user && { accountId: user.sub, claims: () => ({ sub: user.sub, name: user.name }) };
    },
    extraTokenClaims: (_ctx, token) => identityClaims(token),
    formats: {
      customizers: {
        jwt: (_ctx, _token, jwt) => {
          jwt.payload.nbf = jwt.payload.iat;
        },
      },
    },
    ttl: { AccessToken: ttl, ClientCredentials: ttl },
    // Token requests come from servers and the CLI, never from browsers.
    clientBasedCORS: () => false,
    renderError: (ctx, out) => {
      ctx.body = out;
    },
    features: {
      // No login pages: people get tokens through the demo-user grant, systems through client_credentials.
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => resourceIndicator,
        getResourceServerInfo: async (_ctx, indicator) => {
          if (indicator !== resourceIndicator) throw new errors.InvalidTarget();
          return resourceServerInfo;
        },
      },
    },
  };

  const provider = new Provider(options.issuer, configuration);
  provider.on('server_error', (_ctx, error) => options.onServerError(error));

  const resourceServer = () => new provider.ResourceServer(resourceIndicator, resourceServerInfo);

  const issue = async (ctx: KoaContextWithOIDC, token: BaseToken, entity: string) => {
    token.resourceServer = resourceServer();
    ctx.oidc.entity(entity, token);
    const accessToken = await token.save();
    ctx.body = {
      access_token: accessToken,
      token_type: token.tokenType,
      expires_in: token.expiration,
      scope: token.scope,
    };
  };

  // Replaces the library's client_credentials handler, which ignores unknown scopes and issues a scope-less
  // token when none is asked for. Here: anything outside the client's scopes is invalid_scope, and no scope
  // means all of the client's scopes. Authentication and the grant-type check still run before this.
  provider.registerGrantType(
    'client_credentials',
    async (ctx) => {
      const client = requireClient(ctx);
      checkResource(ctx, resourceIndicator);
      const scope = grantedScopes(ctx, client.scope?.split(' ').filter(Boolean) ?? []);
      await issue(ctx, new provider.ClientCredentials({ client, scope }), 'ClientCredentials');
    },
    ['scope', 'resource'],
  );

  provider.registerGrantType(
    DEMO_USER_GRANT,
    async (ctx) => {
      const client = requireClient(ctx);
      // Also enforced by the client's grant_types; checked again because this grant mints tokens for people.
      if (client.clientId !== CLI_CLIENT_ID) {
        throw new errors.UnauthorizedClient('only the rapport-cli client may use the demo-user grant');
      }
      const username = ctx.oidc.params.username;
      const user =
        typeof username === 'string' && Object.hasOwn(DEMO_USERS, username) ? DEMO_USERS[username] : undefined;
      if (!user) {
        const error = new errors.InvalidGrant();
        error.error_description = `unknown demo user; known: ${Object.keys(DEMO_USERS).join(', ')}`;
        throw error;
      }
      const scope = grantedScopes(ctx, scopesForRoles(user.roles));
      const token = new provider.AccessToken({ client, accountId: user.sub, scope, gty: DEMO_USER_GRANT });
      await issue(ctx, token, 'AccessToken');
    },
    ['username', 'scope'],
  );

  return provider;
}

function toClientMetadata(client: DemoClient): ClientMetadata {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    grant_types: client.clientId === CLI_CLIENT_ID ? [DEMO_USER_GRANT] : ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    // The library accepts client_secret_post as well for a client registered with client_secret_basic.
    token_endpoint_auth_method: 'client_secret_basic',
    ...(client.scopes.length > 0 ? { scope: client.scopes.join(' ') } : {}),
  };
}

function identityClaims(token: BaseToken): Record<string, unknown> | undefined {
  if (token.kind === 'ClientCredentials') return { roles: [INTEGRATION_ROLE] };
  const user = Object.values(DEMO_USERS).find((u) => u.sub === token.accountId);
  if (!user) return undefined;
  return user.team === undefined ? { roles: user.roles } : { roles: user.roles, team: user.team };
}

function scopesForRoles(roles: string[]): string[] {
  return effectiveScopes(roles, []);
}

/** The requested scopes if all are allowed (invalid_scope otherwise), or all allowed ones when none is asked for. */
function grantedScopes(ctx: KoaContextWithOIDC, allowed: string[]): string | undefined {
  const param = ctx.oidc.params.scope;
  const requested = typeof param === 'string' ? param.split(' ').filter(Boolean) : [];
  const denied = requested.filter((scope) => !allowed.includes(scope));
  if (denied.length > 0) throw new errors.InvalidScope('requested scope is not allowed', denied.join(' '));
  const scopes = requested.length > 0 ? [...new Set(requested)] : allowed;
  return scopes.length > 0 ? scopes.join(' ') : undefined;
}

function checkResource(ctx: KoaContextWithOIDC, resourceIndicator: string): void {
  const { resource } = ctx.oidc.params;
  if (resource !== undefined && resource !== resourceIndicator) throw new errors.InvalidTarget();
}

function requireClient(ctx: KoaContextWithOIDC): Client {
  const { client } = ctx.oidc;
  // Unreachable: the token endpoint authenticates the client before any grant handler runs.
  if (!client) throw new errors.InvalidRequest('client authentication is required');
  return client;
}

function isUnder(url: string, mountPath: string): boolean {
  return url === mountPath || url.startsWith(`${mountPath}/`) || url.startsWith(`${mountPath}?`);
}

async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint({ kty: 'RSA', e: String(jwk.e), n: String(jwk.n) });
  return { ...jwk, kid, alg: SIGNING_ALG, use: 'sig' };
}

async function loadOrCreateKeys(file: string): Promise<KeysFileContent> {
  let text: string | undefined;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    const content = JSON.parse(text) as Partial<KeysFileContent>;
    if (!Array.isArray(content.keys) || content.keys.length === 0 || typeof content.cookieSecret !== 'string') {
      throw new Error(`embedded IdP keys file ${file} is malformed: expected { keys: [JWK, ...], cookieSecret }`);
    }
    return { keys: content.keys, cookieSecret: content.cookieSecret };
  }
  const created: KeysFileContent = {
    keys: await Promise.all(Array.from({ length: KEYS_KEPT }, generateSigningKey)),
    cookieSecret: randomBytes(32).toString('base64url'),
  };
  await writeKeysFile(file, created);
  return created;
}

/** Writes atomically (temp file + rename) so a crash never leaves a half-written key file. */
async function writeKeysFile(file: string, content: KeysFileContent): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(temp, file);
}

/**
 * In-memory storage for oidc-provider's stateful models (sessions, grants, replay detection). JWT access
 * tokens are not stored at all. Written here because the library's own memory adapter is not exported and
 * announces itself on the console. Lost on restart, which is fine for the embedded default.
 */
const PRUNE_AT = 10_000;

function memoryAdapterFactory(): (name: string) => Adapter {
  const entries = new Map<string, { payload: Record<string, unknown>; expiresAt?: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry?.payload;
  };
  return (name) => {
    const keyOf = (id: string) => `${name}:${id}`;
    const findBy = (field: string, value: string) => {
      for (const [key, entry] of entries) {
        if (key.startsWith(`${name}:`) && entry.payload[field] === value) return live(key);
      }
      return undefined;
    };
    return {
      async upsert(id, payload, expiresIn) {
        if (entries.size >= PRUNE_AT) for (const key of entries.keys()) live(key);
        entries.set(keyOf(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
      },
      async find(id) {
        return live(keyOf(id));
      },
      async findByUid(uid) {
        return findBy('uid', uid);
      },
      async findByUserCode(userCode) {
        return findBy('userCode', userCode);
      },
      async consume(id) {
        const payload = live(keyOf(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        entries.delete(keyOf(id));
      },
      async revokeByGrantId(grantId) {
        for (const [key, entry] of entries) {
          if (entry.payload.grantId === grantId) entries.delete(key);
        }
      },
    };
  };
}
