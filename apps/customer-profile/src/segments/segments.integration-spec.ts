import { randomUUID } from 'node:crypto';
import { stackInfo, uniqueTag } from '@rapport/testing';
import { DataSource, type Logger } from 'typeorm';
import type { CustomFieldDefinition } from '../custom-fields/custom-field-validator';
import { CustomersRepository } from '../customers/customers.repository';
import { SegmentDefinitionParser } from './segment-definition.parser';
import { OPERATORS_BY_TYPE, SEGMENT_FIELD_SPECS, type ParsedGroup, type SegmentValueType } from './segment-fields';
import { SegmentsRepository } from './segments.repository';

class StatementCounter implements Logger {
  statements: string[] = [];
  logQuery(query: string): void {
    this.statements.push(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

const custom = (
  key: string,
  type: CustomFieldDefinition['type'],
  allowedValues: string[] = [],
): CustomFieldDefinition => ({
  key,
  type,
  allowedValues,
  label: null,
  required: false,
  createdAt: new Date(),
});

const SAMPLE: Record<SegmentValueType, [unknown, unknown]> = {
  enum: ['', ''], // replaced by the field's first allowed value
  text: ['a', 'b'],
  boolean: [true, false],
  tags: ['a', 'b'],
  date: ['2000-01-01', '2000-12-31'],
  timestamp: ['2026-01-01', '2026-01-31T23:59:59+08:00'],
  integer: [1, 2],
  decimal: [10, '20.5'],
  number: [1, 2.5],
};

/**
 * The SQL the query builder writes, run against the stack's real PostgreSQL (schema migrated by the
 * running customer-profile): every field with every operator it allows is a valid statement, the
 * tricky semantics hold (NULLs, inclusive dates), and a page of members costs a fixed three statements.
 */
describe('SegmentsRepository against PostgreSQL', () => {
  const counter = new StatementCounter();
  const tag = uniqueTag('segi');
  const definitions = [
    custom('segi_level', 'enum', ['gold', 'silver']),
    custom('segi_score', 'number'),
    custom('segi_since', 'date'),
    custom('segi_vip', 'boolean'),
    custom('segi_memo', 'string'),
  ];
  const parser = new SegmentDefinitionParser(definitions);
  let dataSource: DataSource;
  let sut: SegmentsRepository;
  const ids: string[] = [];

  const parse = (conditions: unknown[]): ParsedGroup => {
    const result = parser.parse({ conditions: [{ field: 'tags', op: 'hasAny', value: [tag] }, ...conditions] });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.root;
  };
  const count = (conditions: unknown[]) => sut.count({ kind: 'dynamic', root: parse(conditions) }, { kind: 'all' });

  beforeAll(async () => {
    dataSource = new DataSource({
      type: 'postgres',
      url: stackInfo().databaseUrl,
      logger: counter,
      logging: ['query'],
    });
    await dataSource.initialize();
    sut = new SegmentsRepository(dataSource, new CustomersRepository(dataSource));
    for (let i = 0; i < 55; i++) {
      const id = randomUUID();
      ids.push(id);
      await dataSource.query(
        `INSERT INTO customer_profile.customers (id, kind, name, tags, gender, created_at, custom_fields)
         VALUES ($1, 'person', $2, $3, $4, $5, $6)`,
        [
          id,
          `分群集成${i}`,
          [tag],
          i === 0 ? null : 'female',
          i === 1 ? '2026-01-31T23:30:00Z' : '2025-06-01T00:00:00Z',
          JSON.stringify(i === 2 ? { segi_since: '2026-03-01', segi_score: 7 } : {}),
        ],
      );
      await dataSource.query(
        `INSERT INTO customer_profile.customer_contacts (id, customer_id, position, name) VALUES ($1, $2, 0, '联系人')`,
        [randomUUID(), id],
      );
    }
  });
  afterAll(async () => {
    await dataSource.destroy();
  });

  const fields = [...Object.keys(SEGMENT_FIELD_SPECS), ...definitions.map((d) => `customFields.${d.key}`)];
  it.each(fields)('runs every operator of %s as valid SQL', async (field) => {
    const spec = field.startsWith('customFields.') ? undefined : SEGMENT_FIELD_SPECS[field];
    const definition = definitions.find((d) => `customFields.${d.key}` === field);
    const type: SegmentValueType =
      spec?.type ??
      ({ enum: 'enum', number: 'number', date: 'date', boolean: 'boolean', string: 'text' } as const)[definition!.type];
    const allowed = spec?.allowed ?? definition?.allowedValues;
    const [low, high] = type === 'enum' ? [allowed![0], allowed![allowed!.length - 1]] : SAMPLE[type];
    for (const op of OPERATORS_BY_TYPE[type]) {
      const value =
        op === 'in' || op === 'notIn' || op.startsWith('has')
          ? [low, high]
          : op === 'between'
            ? [low, high]
            : op.endsWith('Days')
              ? 30
              : low;
      await expect(count([{ field, op, value }])).resolves.toEqual(expect.any(Number));
    }
  });

  it('keeps customers with no value in neq and notIn, and includes the whole day of a date-only upper bound', async () => {
    expect(await count([{ field: 'gender', op: 'neq', value: 'female' }])).toBe(1);
    expect(await count([{ field: 'gender', op: 'notIn', value: ['female', 'male'] }])).toBe(1);
    expect(await count([{ field: 'createdAt', op: 'between', value: ['2026-01-31', '2026-01-31'] }])).toBe(1);
    expect(
      await count([{ field: 'customFields.segi_since', op: 'between', value: ['2026-01-01', '2026-12-31'] }]),
    ).toBe(1);
    expect(await count([{ field: 'customFields.segi_score', op: 'in', value: [7, 8] }])).toBe(1);
    expect(await count([{ field: 'customFields.segi_score', op: 'notIn', value: [7] }])).toBe(54);
  });

  it('reads a page of 50 members with their relations in three statements', async () => {
    counter.statements = [];
    const page = await sut.members({ kind: 'dynamic', root: parse([]) }, { kind: 'all' }, null, 50);
    expect(page).toHaveLength(50);
    expect(page.every((c) => c.contacts.length === 1)).toBe(true);
    expect(counter.statements).toHaveLength(3);
  });
});
