import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
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

export async function verifyIdentity(token: string, secret: string): Promise<CallerIdentity> {
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
    sub: payload.sub,
    roles: strings(payload['roles']),
    scopes: strings(payload['scopes']),
    ...(typeof payload['team'] === 'string' ? { team: payload['team'] } : {}),
    ...(typeof payload['client_id'] === 'string' ? { clientId: payload['client_id'] } : {}),
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
