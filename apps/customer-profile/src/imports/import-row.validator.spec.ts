import { buildSearchKey } from '../search/search-key';
import { ImportRowValidator } from './import-row.validator';

describe(ImportRowValidator.name, () => {
  const sut = new ImportRowValidator();

  it('normalises a good row and builds its search key', () => {
    const result = sut.validate({
      name: ' 王小明 ',
      email: 'XM@Example.com',
      phone: '138 0013 8000',
      tags: 'vip; tea;vip',
    });
    expect(result.errors).toEqual([]);
    expect(result.row).toMatchObject({
      kind: 'person',
      name: '王小明',
      email: 'xm@example.com',
      phone: '+8613800138000',
      sourceChannel: 'import',
      tags: ['vip', 'tea'],
    });
    // The same search key as a customer created one by one, so search finds imported customers.
    expect(result.row!.searchKey).toBe(
      buildSearchKey({
        name: '王小明',
        phones: ['+8613800138000'],
        emails: ['xm@example.com'],
        identifiers: [],
        tags: ['vip', 'tea'],
      }),
    );
  });

  it('names every bad field of a row', () => {
    const result = sut.validate({
      name: '',
      email: 'nope',
      phone: '12345',
      kind: 'robot',
      sourceChannel: 'fax',
      colour: 'red',
    });
    expect(result.row).toBeNull();
    expect(result.errors.map((e) => e.field).sort()).toEqual([
      'colour',
      'email',
      'kind',
      'name',
      'phone',
      'sourceChannel',
    ]);
  });

  it('refuses non-string values from JSON lines', () => {
    expect(sut.validate({ name: 42 }).errors).toEqual([
      { field: 'name', message: 'name must be a string' },
      { field: 'name', message: 'name is required' },
    ]);
  });
});
