import { CsatLinks, csatLinkKey } from './csat-link';

describe(CsatLinks.name, () => {
  const ticketId = '5b0c3a52-44a4-4d0a-9d8c-2f4a1c2b9e10';
  const now = new Date('2026-12-04T10:00:00Z');
  const expiresAt = new Date('2026-12-10T10:00:00Z');
  const sut = new CsatLinks(csatLinkKey(undefined, 'x'.repeat(40)));

  it('verifies its own token for the ticket until it expires', () => {
    const token = sut.token({ ticketId, resolution: 2, expiresAt });
    expect(sut.verify(token, ticketId, now)).toEqual({ ticketId, resolution: 2, expiresAt });
    expect(sut.verify(token, ticketId, expiresAt)).toBeUndefined();
    expect(sut.link({ ticketId, resolution: 2, expiresAt })).toBe(`/api/v1/tickets/${ticketId}/csat?token=${token}`);
  });

  it('refuses a token of another ticket, another key, a changed payload or garbage', () => {
    const token = sut.token({ ticketId, resolution: 1, expiresAt });
    expect(sut.verify(token, '00000000-0000-4000-8000-000000000000', now)).toBeUndefined();
    expect(new CsatLinks(csatLinkKey(undefined, 'y'.repeat(40))).verify(token, ticketId, now)).toBeUndefined();
    const [, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ t: ticketId, r: 1, e: 4_102_444_800 })).toString('base64url');
    expect(sut.verify(`${forged}.${mac}`, ticketId, now)).toBeUndefined();
    for (const garbage of ['', '.', 'abc', 'a.b.c', `${token}x`])
      expect(sut.verify(garbage, ticketId, now)).toBeUndefined();
  });

  it('uses CSAT_LINK_SECRET when it is set, and a key derived from the internal secret otherwise', () => {
    expect(csatLinkKey('s'.repeat(32), 'x'.repeat(40)).toString('utf8')).toBe('s'.repeat(32));
    expect(csatLinkKey(undefined, 'x'.repeat(40))).toHaveLength(32);
    expect(csatLinkKey(undefined, 'x'.repeat(40)).equals(Buffer.from('x'.repeat(40)))).toBe(false);
  });
});
