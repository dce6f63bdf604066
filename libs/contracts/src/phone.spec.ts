import { IsOptional, validateSync } from 'class-validator';
import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import {
  configurePhoneRule,
  DEFAULT_PHONE_REGION,
  IsPhone,
  phoneDefaultRegionVariable,
  PhoneRule,
  type PhoneRegion,
} from './phone';

/** Valid numbers as people write them: [country, written form, default region it is read in, E.164]. */
const VALID: ReadonlyArray<readonly [string, string, PhoneRegion, string]> = [
  ['China', '+86 138 0013 8000', 'CN', '+8613800138000'],
  ['China', '138-0013-8000', 'CN', '+8613800138000'],
  ['China', '(010) 6552 9988', 'CN', '+861065529988'],
  ['Italy', '+39 333 123 4567', 'CN', '+393331234567'],
  ['Italy', '333 123 4567', 'IT', '+393331234567'],
  ['Italy', '+39 06 6982 1234', 'US', '+390669821234'],
  ['Germany', '+49 30 123456', 'CN', '+4930123456'],
  ['Germany', '030 123456', 'DE', '+4930123456'],
  ['Germany', '+49 (151) 2345-6789', 'CN', '+4915123456789'],
  ['United States', '+1 415 555 2671', 'CN', '+14155552671'],
  ['United States', '+1 (415) 555-2671', 'CN', '+14155552671'],
  ['United States', '(415) 555-2671', 'US', '+14155552671'],
  ['United Kingdom', '+44 20 7946 0958', 'CN', '+442079460958'],
  ['United Kingdom', '020 7946 0958', 'GB', '+442079460958'],
  ['France', '+33 1 42 68 53 00', 'CN', '+33142685300'],
  ['France', '06 12 34 56 78', 'FR', '+33612345678'],
  ['France', '01.42.68.53.00', 'FR', '+33142685300'],
  ['Japan', '+81 3-1234-5678', 'CN', '+81312345678'],
  ['Japan', '090-1234-5678', 'JP', '+819012345678'],
  ['India', '+91 98765 43210', 'CN', '+919876543210'],
  ['India', '098765 43210', 'IN', '+919876543210'],
  ['Brazil', '+55 11 91234-5678', 'CN', '+5511912345678'],
  ['Brazil', '(11) 91234-5678', 'BR', '+5511912345678'],
  ['Australia', '+61 2 9374 4000', 'CN', '+61293744000'],
  ['Australia', '0412 345 678', 'AU', '+61412345678'],
  ['Spain', '+34 612 34 56 78', 'CN', '+34612345678'],
  ['Russia', '+7 912 345-67-89', 'CN', '+79123456789'],
  ['Russia', '8 (912) 345-67-89', 'RU', '+79123456789'],
  ['South Korea', '+82 10-1234-5678', 'CN', '+821012345678'],
  ['South Korea', '010-1234-5678', 'KR', '+821012345678'],
  ['Mexico', '+52 55 1234 5678', 'CN', '+525512345678'],
  ['Hong Kong', '+852 5123 4567', 'CN', '+85251234567'],
  ['Singapore', '+65 9123 4567', 'CN', '+6591234567'],
  ['South Africa', '+27 82 123 4567', 'CN', '+27821234567'],
];

/** Not phone numbers anywhere, or not in the region they are read in: [written form, default region]. */
const INVALID: ReadonlyArray<readonly [string, PhoneRegion]> = [
  ['+39 12', 'CN'],
  ['12345', 'CN'],
  ['call me', 'CN'],
  ['', 'CN'],
  ['+86 138 0013', 'CN'],
  ['+86 138 0013 80001', 'CN'],
  ['+1 415 555 267', 'CN'],
  ['+49 30', 'CN'],
  ['+999 1234 5678', 'CN'],
  ['+44 20 7946 09', 'GB'],
  ['13800138000', 'IT'],
  ['06 12 34 56', 'FR'],
];

describe(PhoneRule.name, () => {
  it.each(VALID)('accepts a number of %s written %s (default region %s) as %s', (_country, written, region, e164) => {
    const sut = new PhoneRule(region);
    expect(sut.toE164(written)).toBe(e164);
    expect(sut.isValid(written)).toBe(true);
  });

  it('covers at least ten countries', () => {
    expect(new Set(VALID.map(([country]) => country)).size).toBeGreaterThanOrEqual(10);
  });

  it('reads international numbers the same whatever the default region', () => {
    for (const [, written, , e164] of VALID.filter(([, w]) => w.startsWith('+'))) {
      expect([new PhoneRule('CN'), new PhoneRule('US'), new PhoneRule('DE')].map((sut) => sut.toE164(written))).toEqual(
        [e164, e164, e164],
      );
    }
  });

  it.each(INVALID)('rejects %j (default region %s)', (written, region) => {
    const sut = new PhoneRule(region);
    expect(sut.toE164(written)).toBeUndefined();
    expect(sut.isValid(written)).toBe(false);
  });

  it('rejects what is not a string', () => {
    const sut = new PhoneRule();
    for (const value of [8613800138000, null, undefined, ['+8613800138000'], {}])
      expect(sut.isValid(value)).toBe(false);
  });

  it('names the field and the value in its problem', () => {
    expect(new PhoneRule().problem('phone', ' +39 12 ')).toBe('phone is not a valid phone number (+39 12)');
    expect(new PhoneRule().problem('contacts[0].phone', 42)).toBe(
      'contacts[0].phone is not a valid phone number (a number, not a string)',
    );
  });

  it('refuses a default region libphonenumber does not know', () => {
    expect(() => new PhoneRule('XX' as PhoneRegion)).toThrow('XX is not a region libphonenumber knows');
  });
});

describe(`${PhoneRule.name} mainland fast path`, () => {
  const library = (raw: string, region: PhoneRegion): string | undefined => {
    const parsed = parsePhoneNumberFromString(raw.trim(), region);
    return parsed && parsed.isValid() ? parsed.number : undefined;
  };

  it('answers exactly as libphonenumber for 11-digit numbers starting with 1, in every spelling and default region', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^1\d{10}$/),
        fc.constantFrom('', '+86', '+86 '),
        fc.boolean(),
        fc.constantFrom<PhoneRegion>('CN', 'CN', 'US', 'IT'),
        (digits, prefix, spaced, region) => {
          const raw = prefix + (spaced ? `${digits.slice(0, 3)} ${digits.slice(3, 7)}-${digits.slice(7)}` : digits);
          expect(new PhoneRule(region).toE164(raw)).toBe(library(raw, region));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('agrees with libphonenumber on numbers sharing a cached prefix', () => {
    const sut = new PhoneRule('CN');
    for (const national of [
      '13800138000',
      '13800138999',
      '10012345678',
      '10012345600',
      '19912345678',
      '14012345678',
      '14012345000',
    ]) {
      expect(sut.toE164(national)).toBe(library(national, 'CN'));
    }
  });
});

class Contact {
  @IsOptional() @IsPhone() phone?: string;
  @IsOptional() @IsPhone({ each: true }) phones?: string[];
}

describe(IsPhone.name, () => {
  afterEach(() => configurePhoneRule(DEFAULT_PHONE_REGION));

  const problems = (phone: unknown, phones: unknown) =>
    validateSync(Object.assign(new Contact(), { phone, phones })).flatMap((e) => Object.values(e.constraints ?? {}));

  it('accepts valid numbers of any country, alone and in lists', () => {
    expect(problems('+39 333 123 4567', ['+49 30 123456', '+1 (415) 555-2671', '138 0013 8000'])).toEqual([]);
  });

  it('names the field, or the element of a list, and the value', () => {
    expect(problems('+39 12', ['+8613800138000', 'call me'])).toEqual([
      'phone is not a valid phone number (+39 12)',
      'phones[1] is not a valid phone number (call me)',
    ]);
    expect(problems('+8613800138000', '+8613800138000')).toEqual(['phones must be a list of phone numbers']);
  });

  it('reads national numbers in the default region configured for the process', () => {
    expect(problems('333 123 4567', undefined)).toEqual(['phone is not a valid phone number (333 123 4567)']);
    configurePhoneRule('IT');
    expect(problems('333 123 4567', ['+86 138 0013 8000'])).toEqual([]);
    expect(problems('138 0013 8000', undefined)).toEqual(['phone is not a valid phone number (138 0013 8000)']);
  });
});

describe('phoneDefaultRegionVariable', () => {
  const schema = z.object({ PHONE_DEFAULT_REGION: phoneDefaultRegionVariable });

  it('defaults to CN and takes any region libphonenumber knows', () => {
    expect(schema.parse({})).toEqual({ PHONE_DEFAULT_REGION: 'CN' });
    expect(schema.parse({ PHONE_DEFAULT_REGION: 'IT' })).toEqual({ PHONE_DEFAULT_REGION: 'IT' });
  });

  it.each(['XX', 'it', 'ITA', ''])('refuses %j', (region) => {
    expect(schema.safeParse({ PHONE_DEFAULT_REGION: region }).success).toBe(false);
  });
});
