import { CustomFieldValidator, type CustomFieldDefinition } from './custom-field-validator';

const def = (
  d: Partial<CustomFieldDefinition> & Pick<CustomFieldDefinition, 'key' | 'type'>,
): CustomFieldDefinition => ({
  label: null,
  required: false,
  allowedValues: [],
  createdAt: new Date(),
  ...d,
});

describe(CustomFieldValidator.name, () => {
  const sut = new CustomFieldValidator([
    def({ key: 'tier', type: 'enum', allowedValues: ['gold', 'silver'], required: true }),
    def({ key: 'score', type: 'number' }),
    def({ key: 'vip', type: 'boolean' }),
    def({ key: 'since', type: 'date' }),
    def({ key: 'memo', type: 'string' }),
  ]);

  it('accepts values of the defined types', () => {
    expect(sut.validate({ tier: 'gold', score: 3.5, vip: false, since: '2026-01-31', memo: '好' })).toEqual([]);
  });

  it('names every unknown, mistyped or missing required field', () => {
    const errors = sut.validate({ nope: 1, score: '3', vip: 'yes', since: '31/01/2026', memo: 7 });
    expect(errors.map((e) => e.field).sort()).toEqual([
      'customFields.memo',
      'customFields.nope',
      'customFields.score',
      'customFields.since',
      'customFields.tier',
      'customFields.vip',
    ]);
    expect(errors.find((e) => e.field === 'customFields.tier')!.message).toContain('required');
  });

  it('refuses an enum value that is not allowed', () => {
    expect(sut.validate({ tier: 'bronze' })[0]!.message).toContain('gold, silver');
  });

  it('turns list filters into typed JSON values', () => {
    expect(sut.filterValue('score', '3')).toEqual({ value: 3 });
    expect(sut.filterValue('vip', 'true')).toEqual({ value: true });
    expect(sut.filterValue('tier', 'gold')).toEqual({ value: 'gold' });
    expect(sut.filterValue('nope', 'x')).toEqual({ error: expect.objectContaining({ field: 'cf' }) });
    expect(sut.filterValue('score', 'many')).toEqual({ error: expect.objectContaining({ field: 'cf' }) });
  });
});
