import { randomInt, randomUUID } from 'node:crypto';

/** A valid mainland mobile number in the form people type it: "139 1234 5678". */
export function cnMobile(): { typed: string; e164: string } {
  const rest = String(randomInt(0, 100_000_000)).padStart(8, '0');
  return { typed: `139 ${rest.slice(0, 4)} ${rest.slice(4)}`, e164: `+86139${rest}` };
}

/**
 * Valid numbers of thirteen countries as people there write them internationally, unique per call (the
 * random tail keeps each in a range libphonenumber accepts whatever its digits).
 */
export function worldPhones(): Array<{ country: string; typed: string; e164: string }> {
  const tail = (digits: number) => String(randomInt(0, 10 ** digits)).padStart(digits, '0');
  const phone = (country: string, typed: string) => ({ country, typed, e164: `+${typed.replace(/\D/g, '')}` });
  return [
    phone('Italy', `+39 333 123 ${tail(4)}`),
    phone('Germany', `+49 30 12${tail(4)}`),
    phone('United States', `+1 (415) 555-2${tail(3)}`),
    phone('United Kingdom', `+44 20 7946 0${tail(3)}`),
    phone('France', `+33 6 12 34 ${tail(2)} ${tail(2)}`),
    phone('Japan', `+81 90-1234-${tail(4)}`),
    phone('India', `+91 98765 4${tail(4)}`),
    phone('Brazil', `+55 11 91234-${tail(4)}`),
    phone('Australia', `+61 412 3${tail(2)} ${tail(3)}`),
    phone('Spain', `+34 612 34 ${tail(2)} ${tail(2)}`),
    phone('South Korea', `+82 10-1234-${tail(4)}`),
    phone('Mexico', `+52 55 1234 ${tail(4)}`),
    phone('South Africa', `+27 82 123 ${tail(4)}`),
  ];
}

export function uniqueTag(prefix = 't'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** The body of POST /api/v1/customers: a person with everything, unique where uniqueness matters. */
export function customerRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const n = randomUUID().slice(0, 8);
  return {
    name: `王小明${n}`,
    kind: 'person',
    gender: 'male',
    birthday: '1990-05-17',
    email: `  XiaoMing.${n}@Example.com `,
    phone: cnMobile().typed,
    addresses: [
      {
        country: 'CN',
        province: '浙江省',
        city: '杭州市',
        district: '西湖区',
        street: '龙井路 1 号',
        postcode: '310000',
      },
    ],
    identifiers: [{ type: 'wechat_openid', value: `oW-${n}` }],
    sourceChannel: 'store',
    tags: ['茶友'],
    interests: ['green tea'],
    preferences: { language: 'zh-CN' },
    notes: '喜欢龙井',
    ...overrides,
  };
}

export function organisationRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const n = randomUUID().slice(0, 8);
  return {
    name: `杭州茶业有限公司${n}`,
    kind: 'organisation',
    contacts: [
      { name: '李娜', title: '采购经理', phone: cnMobile().typed, email: `Na.Li.${n}@Example.com` },
      { name: '赵强', title: '财务' },
    ],
    ...overrides,
  };
}
