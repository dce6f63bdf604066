import { signedTokenKey, SignedTokens } from '@rapport/platform-auth';

/** What a CSAT link grants: rating one resolution of one ticket, until it expires. */
export interface CsatGrant {
  ticketId: string;
  resolution: number;
  expiresAt: Date;
}

/** The key that signs CSAT links: CSAT_LINK_SECRET when set, else derived from INTERNAL_AUTH_SECRET. */
export function csatLinkKey(csatSecret: string | undefined, internalAuthSecret: string): Buffer {
  return signedTokenKey(csatSecret, internalAuthSecret, 'service-desk', 'csat-link.v1');
}

/**
 * Signed links for the customer's rating (`SignedTokens`: the ticket id and the resolution number). The
 * token is the authority of the public rating route: whoever holds it may rate that resolution, once.
 */
export class CsatLinks {
  private readonly tokens: SignedTokens;

  constructor(key: Buffer) {
    this.tokens = new SignedTokens(key);
  }

  token(grant: CsatGrant): string {
    return this.tokens.sign({ t: grant.ticketId, r: grant.resolution }, grant.expiresAt);
  }

  link(grant: CsatGrant): string {
    return `/api/v1/tickets/${grant.ticketId}/csat?token=${this.token(grant)}`;
  }

  /** The grant of a genuine token for this ticket that has not expired; undefined for anything else. */
  verify(token: string, ticketId: string, now: Date): CsatGrant | undefined {
    const verified = this.tokens.verify(token, now);
    if (!verified || verified.claims['t'] !== ticketId || !Number.isInteger(verified.claims['r'])) return undefined;
    return { ticketId, resolution: verified.claims['r'] as number, expiresAt: verified.expiresAt };
  }
}
