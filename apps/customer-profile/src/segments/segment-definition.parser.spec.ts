import type { CustomFieldDefinition } from '../custom-fields/custom-field-validator';
import { MAX_CONDITIONS, SegmentDefinitionParser } from './segment-definition.parser';

const def = (
  d: Partial<CustomFieldDefinition> & Pick<CustomFieldDefinition, 'key' | 'type'>,
): CustomFieldDefinition => ({
  label: null,
  required: false,
  allowedValues: [],
  createdAt: new Date(),
  ...d,
});

describe(SegmentDefinitionParser.name, () => {
  const sut = new SegmentDefinitionParser([
    def({ key: 'level', type: 'enum', allowedValues: ['gold', 'silver'] }),
    def({ key: 'score', type: 'number' }),
    def({ key: 'since', type: 'date' }),
    def({ key: 'vip', type: 'boolean' }),
    def({ key: 'memo', type: 'string' }),
  ]);

  const fieldsOf = (raw: unknown) => {
    const result = sut.parse(raw);
    if (result.ok) throw new Error('expected errors');
    return { kind: result.kind, fields: result.errors.map((e) => e.field) };
  };

  it('parses every kind of field and normalises values', () => {
    const result = sut.parse({
      conditions: [
        { field: 'kind', op: 'eq', value: 'person' },
        { field: 'lifecycleStage', op: 'in', value: ['active', 'loyal', 'active'] },
        { field: 'tags', op: 'hasAll', value: ['茶友', 'vip'] },
        { field: 'city', op: 'in', value: ['杭州市'] },
        { field: 'inPool', op: 'eq', value: false },
        { field: 'birthday', op: 'between', value: ['1980-01-01', '1999-12-31'] },
        { field: 'createdAt', op: 'gte', value: '2026-11-20T10:15:00+08:00' },
        { field: 'purchaseCount', op: 'gte', value: 2 },
        { field: 'totalSpent', op: 'between', value: [100, '999.50'] },
        { field: 'lastPurchaseAt', op: 'withinDays', value: 30 },
        { field: 'customFields.level', op: 'eq', value: 'gold' },
        { field: 'customFields.score', op: 'between', value: [1, 5.5] },
        { field: 'customFields.since', op: 'lte', value: '2026-01-31' },
        {
          any: [
            { field: 'customFields.vip', op: 'eq', value: true },
            { all: [{ field: 'team', op: 'eq', value: 'north' }] },
          ],
        },
      ],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.root.match).toBe('all');
    expect(result.root.children[1]).toMatchObject({
      field: 'lifecycleStage',
      type: 'enum',
      op: 'in',
      value: ['active', 'loyal'],
    });
    expect(result.root.children[8]).toMatchObject({ field: 'totalSpent', type: 'decimal', value: ['100', '999.50'] });
    expect(result.root.children[11]).toMatchObject({ customKey: 'score', type: 'number', value: [1, 5.5] });
    expect(result.root.children[13]).toMatchObject({
      kind: 'group',
      match: 'any',
      children: [{ customKey: 'vip' }, { kind: 'group', match: 'all' }],
    });
  });

  it('names the offending path of each malformed condition (400)', () => {
    expect(
      fieldsOf({
        conditions: [
          { field: 'kind', op: 'eq', value: 'person' },
          { field: 'kind', op: 'eq', value: 'robot' },
          { field: 'tags', op: 'eq', value: 'x' },
          { field: 'createdAt', op: 'withinDays', value: 0 },
          { field: 'birthday', op: 'between', value: ['2000-01-01', '1990-01-01'] },
          { field: 'name', op: 'eq', value: 'x' },
          { field: 'team', op: 'eq', value: 'north', extra: 1 },
          { any: [] },
          'kind = person',
        ],
      }),
    ).toEqual({
      kind: 'validation',
      fields: [
        'definition.conditions[1].value',
        'definition.conditions[2].op',
        'definition.conditions[3].value',
        'definition.conditions[4].value',
        'definition.conditions[5].field',
        'definition.conditions[6].extra',
        'definition.conditions[7].any',
        'definition.conditions[8]',
      ],
    });
  });

  it('checks the shape of the definition itself', () => {
    expect(fieldsOf(null).fields).toEqual(['definition']);
    expect(fieldsOf({ conditions: [] }).fields).toEqual(['definition.conditions']);
    expect(fieldsOf({ match: 'some', conditions: [{ field: 'inPool', op: 'eq', value: true }] }).fields).toEqual([
      'definition.match',
    ]);
    expect(fieldsOf({ where: 1, conditions: [{ field: 'inPool', op: 'eq', value: true }] }).fields).toEqual([
      'definition.where',
    ]);
    expect(fieldsOf({ conditions: [{ any: [{ field: 'inPool', op: 'eq', value: true }], all: [] }] }).fields).toEqual([
      'definition.conditions[0].all',
    ]);
  });

  it('limits nesting and the number of conditions', () => {
    const deep = { conditions: [{ any: [{ all: [{ any: [{ field: 'inPool', op: 'eq', value: true }] }] }] }] };
    expect(fieldsOf(deep).fields).toEqual(['definition.conditions[0].any[0].all[0]']);
    const many = {
      conditions: Array.from({ length: MAX_CONDITIONS + 1 }, () => ({ field: 'inPool', op: 'eq', value: true })),
    };
    expect(fieldsOf(many).fields).toEqual(['definition.conditions']);
  });

  it('answers 422 naming the path for an unknown custom field, and checks known ones by their type', () => {
    expect(
      fieldsOf({
        conditions: [
          { field: 'kind', op: 'eq', value: 'person' },
          { field: 'customFields.nope', op: 'eq', value: 1 },
        ],
      }),
    ).toEqual({
      kind: 'unprocessable',
      fields: ['definition.conditions[1].field'],
    });
    expect(
      fieldsOf({
        conditions: [
          { field: 'customFields.level', op: 'eq', value: 'bronze' },
          { field: 'customFields.score', op: 'gte', value: '3' },
          { field: 'customFields.memo', op: 'gte', value: 'a' },
          { field: 'customFields.since', op: 'between', value: ['2026-01-01'] },
        ],
      }).fields,
    ).toEqual([
      'definition.conditions[0].value',
      'definition.conditions[1].value',
      'definition.conditions[2].op',
      'definition.conditions[3].value',
    ]);
  });

  it('rejects SQL smuggled in field names and operators without echoing it into anything but the message', () => {
    const attempts = [
      { field: "kind = 'person' OR 1=1 --", op: 'eq', value: 'person' },
      { field: "customFields.level') OR true --", op: 'eq', value: 'gold' },
      { field: '__proto__', op: 'eq', value: 'x' },
      { field: 'kind', op: "= ANY('{person}') OR true --", value: 'person' },
    ];
    const result = fieldsOf({ conditions: attempts });
    expect(result.fields).toEqual([
      'definition.conditions[0].field',
      'definition.conditions[2].field',
      'definition.conditions[3].op',
      'definition.conditions[1].field',
    ]);
  });
});
