import { CustomerFieldsBuilder } from './customer-fields';
import type { CustomerRecord } from './customer.record';

describe(CustomerFieldsBuilder.name, () => {
  const sut = new CustomerFieldsBuilder();
  const stored = (): CustomerRecord => {
    const { fields } = sut.fromCreate({
      name: '王小明',
      phone: '13800138000',
      phones: ['13900001111'],
      email: 'a@example.com',
      tags: ['vip'],
      customFields: { tier: 'gold', score: 1 },
      contacts: [{ name: '李娜' }],
    });
    return {
      ...fields,
      id: 'c1',
      ownerId: 'agent1',
      team: 'north',
      valueTier: null,
      createdAt: new Date(),
      updatedAt: new Date(),
      version: 1,
      createdKey: '',
      contacts: fields.contacts.map((c) => ({ ...c, id: 'p1' })),
    };
  };

  it('builds stored fields from a create request', () => {
    const { fields, errors } = sut.fromCreate({
      name: '王小明',
      phone: '138 0013 8000',
      email: ' A@B.cn ',
      tags: ['x', 'x'],
    });
    expect(errors).toEqual([]);
    expect(fields).toMatchObject({
      kind: 'person',
      phone: '+8613800138000',
      phones: ['+8613800138000'],
      email: 'a@b.cn',
      tags: ['x'],
    });
  });

  it('keeps untouched fields on a partial update and reports only the changed ones', () => {
    const current = stored();
    const { fields, errors } = sut.fromUpdate(current, {
      phone: '13700001111',
      customFields: { score: null, note: 'x' },
    });
    expect(errors).toEqual([]);
    expect(fields.phones).toEqual(['+8613700001111', '+8613900001111']);
    expect(fields.customFields).toEqual({ tier: 'gold', note: 'x' });
    expect(fields.contacts).toEqual([{ name: '李娜', title: null, phone: null, email: null }]);
    expect(sut.changedFields(current, fields).sort()).toEqual(['customFields', 'phone', 'phones']);
  });

  it('finds no change when the values are the same', () => {
    const current = stored();
    expect(sut.changedFields(current, sut.fromUpdate(current, { name: '王小明', tags: ['vip'] }).fields)).toEqual([]);
  });

  it('refuses to remove the name', () => {
    expect(sut.fromUpdate(stored(), { name: null as unknown as string }).errors).toEqual([
      expect.objectContaining({ field: 'name' }),
    ]);
  });

  it('merges: survivor values first, the source fills gaps, lists united without duplicates', () => {
    const survivor = { ...stored(), gender: null, notes: 'a' };
    const source = {
      ...stored(),
      id: 'c2',
      name: '王晓明',
      gender: 'male',
      phone: '+8613700001111',
      phones: ['+8613700001111', '+8613800138000'],
      tags: ['tea'],
      notes: 'b',
      customFields: { tier: 'silver', since: '2020-01-01' },
      identifiers: [{ type: 'external' as const, value: 'E1' }],
    };
    const sut2 = sut.merged(survivor, source);
    expect(sut2).toMatchObject({
      name: '王小明',
      gender: 'male',
      phone: '+8613800138000',
      phones: ['+8613800138000', '+8613900001111', '+8613700001111'],
      tags: ['vip', 'tea'],
      notes: 'a\n\nb',
      customFields: { tier: 'gold', score: 1, since: '2020-01-01' },
      identifiers: [{ type: 'external', value: 'E1' }],
    });
    expect(sut2.contacts).toEqual([{ name: '李娜', title: null, phone: null, email: null }]);
  });
});
