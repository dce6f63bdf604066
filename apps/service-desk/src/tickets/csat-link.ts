import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** What a CSAT link grants: rating one resolution of one ticket, until it expires. */
export interface CsatGrant {
  ticketId: string;
  resolution: number;
  expiresAt: Date;
}

/**
 * The key that signs CSAT links: CSAT_LINK_SECRET when set; otherwise derived from the platform's
 * INTERNAL_AUTH_SECRET with HKDF-SHA256 (its own label, so a link key never signs caller identities
 * and the other way round), which every replica of service-desk already holds.
 */
export function csatLinkKey(csatSecret: string | undefined, internalAuthSecret: string): Buffer {
  if (csatSecret) return Buffer.from(csatSecret, 'utf8');
  return Buffer.from(hkdfSync('sha256', internalAuthSecret, 'rapport.service-desk', 'csat-link.v1', 32));
}

/**
 * Signed links for the customer's rating: `<payload>.<mac>`, both base64url; the payload is the
 * ticket id, the resolution number and the expiry (seconds), the MAC HMAC-SHA256 over it. The token is
 * the authority of the public rating route: whoever holds it may rate that resolution, once.
 */
export class CsatLinks {
  constructor(private readonly key: Buffer) {}

  token(grant: CsatGrant): string {
    const payload = Buffer.from(
      JSON.stringify({ t: grant.ticketId, r: grant.resolution, e: Math.floor(grant.expiresAt.getTime() / 1000) }),
      'utf8',
    ).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  link(grant: CsatGrant): string {
    return `/api/v1/tickets/${grant.ticketId}/csat?token=${this.token(grant)}`;
  }

  /** The grant of a genuine token for this ticket that has not expired; undefined for anything else. */
  verify(token: string, ticketId: string, now: Date): CsatGrant | undefined {
    const [payload, mac, ...rest] = token.split('.');
    if (!payload || !mac || rest.length > 0) return undefined;
    const expected = Buffer.from(this.mac(payload), 'utf8');
    const given = Buffer.from(mac, 'utf8');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let parsed: { t?: unknown; r?: unknown; e?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof parsed;
    } catch {
      return undefined;
    }
    if (parsed.t !== ticketId || !Number.isInteger(parsed.r) || !Number.isInteger(parsed.e)) return undefined;
    const expiresAt = new Date((parsed.e as number) * 1000);
    if (expiresAt.getTime() <= now.getTime()) return undefined;
    return { ticketId, resolution: parsed.r as number, expiresAt };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
