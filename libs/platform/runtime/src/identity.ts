import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { VerifiedTokenCache } from '@rapport/platform-auth';
import { jwtVerify, SignJWT } from 'jose';

/**
 * Who is calling, as the gateway established it. Services trust only this, carried in a short-lived
 * token signed by the gateway; a request that skips the gateway has none and gets nothing.
 */
export interface CallerIdentity {
  /** The user (or client) id from the caller's token. */
  sub: string;
  roles: string[];
  scopes: string[];
  team?: string;
  clientId?: string;
}

export const IDENTITY_HEADER = 'x-rapport-identity';
const ISSUER = 'rapport-gateway';
const AUDIENCE = 'rapport-services';

export async function signIdentity(identity: CallerIdentity, secret: string, ttlSeconds = 60): Promise<string> {
  return new SignJWT({
    roles: identity.roles,
    scopes: identity.scopes,
    team: identity.team,
    client_id: identity.clientId,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(identity.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(secret));
}

/**
 * signIdentity with the signed token kept for half its lifetime per identity: a service always gets a
 * token with at least half of its `ttlSeconds` left, and the gateway signs once per caller and 30 s
 * instead of on every request (an HMAC through WebCrypto each time, see issue 18).
 */
export class IdentitySigner {
  private readonly signed: VerifiedTokenCache<Promise<string>>;

  constructor(
    private readonly secret: string,
    private readonly ttlSeconds = 60,
    maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.signed = new VerifiedTokenCache<Promise<string>>(maxEntries, now);
  }

  sign(identity: CallerIdentity): Promise<string> {
    const key = JSON.stringify([identity.sub, identity.roles, identity.scopes, identity.team, identity.clientId]);
    const known = this.signed.get(key);
    if (known) return known;
    const token = signIdentity(identity, this.secret, this.ttlSeconds);
    this.signed.setUntil(key, token, this.now() + (this.ttlSeconds * 1000) / 2);
    token.catch(() => this.signed.delete(key));
    return token;
  }
}

/**
 * verifyIdentity with each verified token remembered until its `exp`: the gateway hands out the same
 * token for a caller for up to half its lifetime (IdentitySigner), so a service verifies it once.
 */
export class IdentityVerifier {
  private readonly verified: VerifiedTokenCache<CallerIdentity>;

  constructor(
    private readonly secret: string,
    maxEntries = 10_000,
    now: () => number = Date.now,
  ) {
    this.verified = new VerifiedTokenCache<CallerIdentity>(maxEntries, now);
  }

  async verify(token: string): Promise<CallerIdentity> {
    let identity = this.verified.get(token);
    if (!identity) {
      const verified = await verifyIdentityAndExpiry(token, this.secret);
      identity = verified.identity;
      this.verified.set(token, identity, verified.exp);
    }
    return { ...identity, roles: [...identity.roles], scopes: [...identity.scopes] };
  }
}

export async function verifyIdentity(token: string, secret: string): Promise<CallerIdentity> {
  return (await verifyIdentityAndExpiry(token, secret)).identity;
}

async function verifyIdentityAndExpiry(
  token: string,
  secret: string,
): Promise<{ identity: CallerIdentity; exp: number | undefined }> {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['HS256'],
    clockTolerance: 5,
  });
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  if (!payload.sub) throw new Error('identity without subject');
  return {
    identity: {
      sub: payload.sub,
      roles: strings(payload['roles']),
      scopes: strings(payload['scopes']),
      ...(typeof payload['team'] === 'string' ? { team: payload['team'] } : {}),
      ...(typeof payload['client_id'] === 'string' ? { clientId: payload['client_id'] } : {}),
    },
    exp: payload.exp,
  };
}

declare module 'express-serve-static-core' {
  interface Request {
    identity?: CallerIdentity;
  }
}

/** `@Caller() caller: CallerIdentity` in a controller of a service. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): CallerIdentity => {
  const identity = ctx.switchToHttp().getRequest<{ identity?: CallerIdentity }>().identity;
  if (!identity) throw new Error('Caller used on a route without identity');
  return identity;
});
