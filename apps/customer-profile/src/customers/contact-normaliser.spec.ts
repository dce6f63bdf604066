import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { ContactNormaliser } from './contact-normaliser';
import type { FieldError } from '@rapport/platform-http';

describe(ContactNormaliser.name, () => {
  const sut = new ContactNormaliser();

  it.each([
    ['138 0013 8000', '+8613800138000'],
    ['+86 138-0013-8000', '+8613800138000'],
    ['+8613800138000', '+8613800138000'],
    ['010 6552 9988', '+861065529988'],
    ['+1 650 253 0000', '+16502530000'],
  ])('normalises %s to %s', (raw, e164) => {
    const errors: FieldError[] = [];
    expect(sut.phone(raw, 'phone', errors)).toBe(e164);
    expect(errors).toEqual([]);
  });

  it.each(['12345', 'call me', '+86 138 0013'])('names the field of an invalid phone %s', (raw) => {
    const errors: FieldError[] = [];
    expect(sut.phones(undefined, ['13800138000', raw], errors)).toEqual(['+8613800138000']);
    expect(errors).toEqual([expect.objectContaining({ field: 'phones[1]' })]);
  });

  it('keeps the primary phone first and drops duplicates', () => {
    expect(sut.phones('13800138000', ['+86 138 0013 8000', '13900001111'], [])).toEqual(['+8613800138000', '+8613900001111']);
  });

  it('trims and lower-cases emails without duplicates', () => {
    expect(sut.emails('  XiaoMing.Wang@Example.com ', ['xiaoming.wang@example.com', 'B@x.CN'])).toEqual(['xiaoming.wang@example.com', 'b@x.cn']);
  });
});

describe(`${ContactNormaliser.name} mainland fast path`, () => {
  const sut = new ContactNormaliser();
  const library = (raw: string): string | undefined => {
    const parsed = parsePhoneNumberFromString(raw.trim(), 'CN');
    return parsed && parsed.isValid() ? parsed.number : undefined;
  };

  it('answers exactly as libphonenumber for 11-digit numbers starting with 1, in every spelling', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1\d{10}$/), fc.constantFrom('', '+86', '+86 '), fc.boolean(), (digits, prefix, spaced) => {
        const raw = prefix + (spaced ? `${digits.slice(0, 3)} ${digits.slice(3, 7)}-${digits.slice(7)}` : digits);
        const errors: FieldError[] = [];
        expect(sut.phone(raw, 'phone', errors)).toBe(library(raw));
        expect(errors).toHaveLength(library(raw) === undefined ? 1 : 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with libphonenumber on numbers sharing a cached prefix', () => {
    for (const national of ['13800138000', '13800138999', '10012345678', '10012345600', '19912345678', '14012345678', '14012345000']) {
      expect(sut.phone(national, 'phone', [])).toBe(library(national));
    }
  });
});
