import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { allEventDefinitions } from './event-catalog';
import { compatibilityProblems } from './schema-compatibility';

/**
 * Every event schema is held against the version recorded in libs/contracts/schemas/<type>.json.
 * A new event type gets its snapshot written on the first run (commit it); after that, a change
 * that breaks consumers fails here and needs a new `.v<N+1>` type instead.
 */
const SNAPSHOTS = path.resolve(__dirname, '../schemas');

describe(compatibilityProblems.name, () => {
  const base = {
    type: 'object',
    properties: { id: { type: 'string' }, kind: { type: 'string', enum: ['a', 'b'] } },
    required: ['id'],
  };

  it('accepts a new optional field', () => {
    expect(
      compatibilityProblems(base, { ...base, properties: { ...base.properties, note: { type: 'string' } } }),
    ).toEqual([]);
  });

  it('refuses removed fields, changed types, new required fields and removed enum values', () => {
    const sut = compatibilityProblems(base, {
      type: 'object',
      properties: { kind: { type: 'number' }, extra: { type: 'string' } },
      required: ['extra'],
    });
    expect(sut).toEqual([
      '$.id: field removed',
      '$.kind: type changed from "string" to "number"',
      '$.kind: enum values removed: a, b',
      '$.extra: new required field (new fields must be optional)',
    ]);
  });
});

describe('event schemas', () => {
  it.each(allEventDefinitions().map((d) => [d.type, d] as const))(
    '%s stays compatible with its recorded version',
    (type, definition) => {
      const current = z.toJSONSchema(definition.schema) as Record<string, unknown>;
      const file = path.join(SNAPSHOTS, `${type}.json`);
      if (!fs.existsSync(file)) {
        fs.mkdirSync(SNAPSHOTS, { recursive: true });
        fs.writeFileSync(file, `${JSON.stringify(current, null, 2)}\n`);
      }
      const recorded = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      expect(compatibilityProblems(recorded, current)).toEqual([]);
    },
  );
});
