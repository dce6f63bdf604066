import { PhoneRule } from '@rapport/contracts';
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

  it('reads national numbers in the default region of its rule (the fast path of the phone rule: libs/contracts/src/phone.spec.ts)', () => {
    const errors: FieldError[] = [];
    expect(
      new ContactNormaliser(new PhoneRule('IT')).phones('333 123 4567', ['+86 138 0013 8000', '13800138000'], errors),
    ).toEqual(['+393331234567', '+8613800138000']);
    expect(errors).toEqual([{ field: 'phones[1]', message: 'phones[1] is not a valid phone number (13800138000)' }]);
  });

  it('keeps the primary phone first and drops duplicates', () => {
    expect(sut.phones('13800138000', ['+86 138 0013 8000', '13900001111'], [])).toEqual([
      '+8613800138000',
      '+8613900001111',
    ]);
  });

  it('trims and lower-cases emails without duplicates', () => {
    expect(sut.emails('  XiaoMing.Wang@Example.com ', ['xiaoming.wang@example.com', 'B@x.CN'])).toEqual([
      'xiaoming.wang@example.com',
      'b@x.cn',
    ]);
  });
});
