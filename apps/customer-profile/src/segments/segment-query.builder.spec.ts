import fc from 'fast-check';
import type { CustomFieldDefinition } from '../custom-fields/custom-field-validator';
import { SegmentDefinitionParser } from './segment-definition.parser';
import type { ParsedGroup } from './segment-fields';
import { SegmentQueryBuilder } from './segment-query.builder';

const definitions: CustomFieldDefinition[] = [
  { key: 'score', type: 'number', label: null, required: false, allowedValues: [], createdAt: new Date() },
  { key: 'since', type: 'date', label: null, required: false, allowedValues: [], createdAt: new Date() },
  { key: 'memo', type: 'string', label: null, required: false, allowedValues: [], createdAt: new Date() },
];

const parse = (conditions: unknown[], match: 'all' | 'any' = 'all'): ParsedGroup => {
  const result = new SegmentDefinitionParser(definitions).parse({ match, conditions });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.root;
};

describe(SegmentQueryBuilder.name, () => {
  const sut = new SegmentQueryBuilder();

  it('puts every value into the parameters and combines with AND, groups with OR', () => {
    const params: unknown[] = ['existing'];
    const sql = sut.where(
      parse([
        { field: 'kind', op: 'eq', value: 'organisation' },
        {
          any: [
            { field: 'tags', op: 'hasAny', value: ['vip'] },
            { field: 'purchaseCount', op: 'gte', value: 3 },
          ],
        },
      ]),
      params,
    );
    expect(sql).toBe(
      '((c.kind = $2::text) AND ((c.tags && $3::text[]) OR (coalesce(s.purchase_count, 0) >= $4::int)))',
    );
    expect(params).toEqual(['existing', 'organisation', ['vip'], 3]);
  });

  it('translates each operator family', () => {
    const params: unknown[] = [];
    const sql = sut.where(
      parse([
        { field: 'gender', op: 'neq', value: 'male' },
        { field: 'sourceChannel', op: 'notIn', value: ['import'] },
        { field: 'tags', op: 'hasAll', value: ['a', 'b'] },
        { field: 'tags', op: 'hasNone', value: ['spam'] },
        { field: 'city', op: 'eq', value: '杭州市' },
        { field: 'country', op: 'notIn', value: ['US'] },
        { field: 'inPool', op: 'eq', value: true },
        { field: 'createdAt', op: 'between', value: ['2026-01-01', '2026-01-31'] },
        { field: 'lastPurchaseAt', op: 'notWithinDays', value: 90 },
        { field: 'totalSpent', op: 'gte', value: 1000 },
      ]),
      params,
    );
    expect(sql.split(' AND (')).toEqual([
      '((c.gender IS DISTINCT FROM $1::text)',
      'coalesce(c.source_channel <> ALL($2::text[]), true))',
      'c.tags @> $3::text[])',
      'NOT (c.tags && $4::text[]))',
      `EXISTS (SELECT 1 FROM jsonb_array_elements(c.addresses) AS a(v) WHERE a.v->>'city' = ANY($5::text[])))`,
      `NOT EXISTS (SELECT 1 FROM jsonb_array_elements(c.addresses) AS a(v) WHERE a.v->>'country' = ANY($6::text[])))`,
      'c.owner_id IS NULL)',
      'c.created_at >= $7::timestamptz AND c.created_at < ($8::date + 1)::timestamptz)',
      '(s.last_purchase_at IS NULL OR s.last_purchase_at < now() - make_interval(days => $9::int)))',
      'coalesce(s.total_base - s.refunded_base, 0) >= $10::numeric))',
    ]);
    expect(params).toEqual([
      'male',
      ['import'],
      ['a', 'b'],
      ['spam'],
      ['杭州市'],
      ['US'],
      '2026-01-01',
      '2026-01-31',
      90,
      '1000',
    ]);
  });

  it('passes custom field keys as parameters too', () => {
    const params: unknown[] = [];
    const sql = sut.where(
      parse([
        { field: 'customFields.memo', op: 'eq', value: 'x' },
        { field: 'customFields.score', op: 'between', value: [1, 2] },
        { field: 'customFields.since', op: 'gte', value: '2026-01-01' },
      ]),
      params,
    );
    expect(sql).toContain('c.custom_fields @> $1::jsonb');
    expect(sql).toContain(`jsonb_typeof(c.custom_fields->$2::text) = 'number'`);
    expect(params).toEqual(['{"memo":"x"}', 'score', 1, 2, 'since', '2026-01-01']);
  });

  it('never lets a value into the SQL text, whatever it holds', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200 }),
        fc.string({ minLength: 1, maxLength: 200 }),
        (text, tag) => {
          const params: unknown[] = [];
          const sql = sut.where(
            parse([
              { field: 'team', op: 'in', value: [text] },
              { field: 'tags', op: 'hasAny', value: [tag] },
              { field: 'customFields.memo', op: 'neq', value: text },
              { field: 'province', op: 'eq', value: text },
            ]),
            params,
          );
          expect(sql).toBe(
            sut.where(
              parse([
                { field: 'team', op: 'in', value: ['a'] },
                { field: 'tags', op: 'hasAny', value: ['b'] },
                { field: 'customFields.memo', op: 'neq', value: 'c' },
                { field: 'province', op: 'eq', value: 'd' },
              ]),
              [],
            ),
          );
          expect(params.flat()).toContain(text);
          // every placeholder is used, so PostgreSQL can type each parameter
          expect(new Set(sql.match(/\$\d+/g)).size).toBe(params.length);
        },
      ),
    );
  });

  it("keeps a classic injection in a value as data: '; DROP TABLE …", () => {
    const params: unknown[] = [];
    const sql = sut.where(
      parse([{ field: 'ownerId', op: 'eq', value: "x'; DROP TABLE customer_profile.customers; --" }]),
      params,
    );
    expect(sql).toBe('((c.owner_id = $1::text))');
    expect(params).toEqual(["x'; DROP TABLE customer_profile.customers; --"]);
  });

  it('refuses trees that did not come from the parser (unknown field or operator)', () => {
    const forged = (field: string, op: string): ParsedGroup =>
      ({
        kind: 'group',
        match: 'all',
        children: [{ kind: 'condition', field, type: 'text', op, value: 'x' }],
      }) as ParsedGroup;
    expect(() => sut.where(forged('c.name; DROP TABLE x', 'eq'), [])).toThrow(/not a segment field/);
    expect(() => sut.where(forged('team', 'hasAny'), [])).toThrow(/not allowed/);
  });
});
