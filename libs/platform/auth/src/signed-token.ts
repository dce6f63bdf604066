import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** What a signed token carries besides its expiry: short claims, strings or integers. */
export type TokenClaims = Record<string, string | number>;

/**
 * The key of one kind of signed link: `secret` when set (to rotate that kind's links apart from the rest);
 * otherwise derived from the platform's INTERNAL_AUTH_SECRET with HKDF-SHA256, salted with the owning
 * service and labelled with the kind (`csat-link.v1`), so a link key never signs caller identities, nor
 * another kind's links, and the other way round.
 */
export function signedTokenKey(
  secret: string | undefined,
  internalAuthSecret: string,
  service: string,
  kind: string,
): Buffer {
  if (secret) return Buffer.from(secret, 'utf8');
  return Buffer.from(hkdfSync('sha256', internalAuthSecret, `rapport.${service}`, kind, 32));
}

/**
 * Tokens for public links whose holder may do one thing (rate a resolution, answer a survey,
 * unsubscribe): `<payload>.<mac>`, both base64url; the payload is the claims and the expiry (`e`,
 * seconds), the MAC HMAC-SHA256 over it. Written by hand: a JWT library would do, but these tokens go in
 * URLs a customer clicks, and this is a fifth of a JWT's length.
 */
export class SignedTokens {
  constructor(private readonly key: Buffer) {}

  sign(claims: TokenClaims, expiresAt: Date): string {
    const payload = Buffer.from(
      JSON.stringify({ ...claims, e: Math.floor(expiresAt.getTime() / 1000) }),
      'utf8',
    ).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The claims and expiry of a genuine token that has not expired at `now`; undefined for anything else. */
  verify(token: string, now: Date): { claims: TokenClaims; expiresAt: Date } | undefined {
    const [payload, mac, ...rest] = token.split('.');
    if (!payload || !mac || rest.length > 0) return undefined;
    const expected = Buffer.from(this.mac(payload), 'utf8');
    const given = Buffer.from(mac, 'utf8');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { e, ...claims } = parsed as Record<string, unknown>;
    if (!Number.isInteger(e)) return undefined;
    if (!Object.values(claims).every((v) => typeof v === 'string' || Number.isInteger(v))) return undefined;
    const expiresAt = new Date((e as number) * 1000);
    if (expiresAt.getTime() <= now.getTime()) return undefined;
    return { claims: claims as TokenClaims, expiresAt };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

/**
 * A keyed digest of a pseudonymous identifier (a WeChat openid) for events: services that hold the
 * platform's INTERNAL_AUTH_SECRET can match the same identifier by its digest, while the event itself
 * (and every outbox row and Kafka record of it) carries nothing an erasure would have to reach.
 * HMAC-SHA256 under an HKDF key of its own label, base64url.
 */
export function identifierDigest(internalAuthSecret: string, kind: string, value: string): string {
  const key = Buffer.from(hkdfSync('sha256', internalAuthSecret, 'rapport.identifier-digest', kind, 32));
  return createHmac('sha256', key).update(value, 'utf8').digest('base64url');
}
