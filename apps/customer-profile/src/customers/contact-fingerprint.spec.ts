import { ConfigError } from '@rapport/platform-config';
import { ContactFingerprinter, contactFingerprinter, MAX_CONTACT_FINGERPRINTS } from './contact-fingerprint';

describe(ContactFingerprinter.name, () => {
  const key = 'k'.repeat(32);
  const sut = new ContactFingerprinter(key);

  it('gives a phone the same fingerprint in any common form', () => {
    const [a] = sut.of({ phone: '+86 138-0000-0000' });
    expect(a).toBeDefined();
    expect(sut.of({ phones: ['13800000000'] })).toEqual([a]);
    expect(sut.of({ phone: '138 0000 0000' })).toEqual([a]);
  });

  it('gives an email the same fingerprint in any case and with surrounding spaces', () => {
    expect(sut.of({ email: ' Xiao.Ming@Example.COM ' })).toEqual(sut.of({ emails: ['xiao.ming@example.com'] }));
  });

  it('is base64url HMAC-SHA256 (43 characters), not the contact itself', () => {
    const [fingerprint] = sut.of({ phone: '13800000000' });
    expect(fingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fingerprint).not.toContain('13800000000');
  });

  it('gives different fingerprints under a different key', () => {
    const other = new ContactFingerprinter('o'.repeat(32));
    expect(other.of({ phone: '13800000000' })).not.toEqual(sut.of({ phone: '13800000000' }));
  });

  it('keeps kinds apart: an identifier whose value is a phone is not that phone', () => {
    const phone = sut.of({ phone: '+8613800000000' });
    const identifier = sut.of({ identifiers: [{ type: 'external', value: '+8613800000000' }] });
    expect(identifier).not.toEqual(phone);
    expect(sut.of({ identifiers: [{ type: 'wechat_openid', value: 'o1' }] })).not.toEqual(
      sut.of({ identifiers: [{ type: 'weibo_id', value: 'o1' }] }),
    );
  });

  it('lists each contact once, skips invalid phones and empty values, and keeps at most the event limit', () => {
    expect(
      sut.of({ phone: '13800000000', phones: ['+8613800000000', 'call me'], email: null, emails: [''] }),
    ).toHaveLength(1);
    const many = Array.from({ length: 60 }, (_, i) => ({ type: 'external', value: `id-${i}` }));
    expect(sut.of({ identifiers: many })).toHaveLength(MAX_CONTACT_FINGERPRINTS);
    expect(sut.of({})).toEqual([]);
  });

  it('refuses a short key', () => {
    expect(() => new ContactFingerprinter('short')).toThrow(/at least 32/);
  });
});

describe(contactFingerprinter.name, () => {
  it('names the missing variable and never echoes the key', () => {
    expect(() => contactFingerprinter({})).toThrow(ConfigError);
    expect(() => contactFingerprinter({})).toThrow(/CONTACT_FINGERPRINT_KEY: is required/);
    expect(() => contactFingerprinter({ CONTACT_FINGERPRINT_KEY: 'secret-but-short' })).toThrow(
      /at least 32 characters \(given value hidden\)/,
    );
  });
});
