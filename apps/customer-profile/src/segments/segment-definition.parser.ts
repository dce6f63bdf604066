import { SEGMENT_OPERATORS, type SegmentOperator } from '@rapport/contracts';
import type { FieldError } from '@rapport/platform-http';
import type { CustomFieldDefinition } from '../custom-fields/custom-field-validator';
import {
  CUSTOM_FIELD_PREFIX,
  OPERATORS_BY_TYPE,
  SEGMENT_FIELD_SPECS,
  type ParsedCondition,
  type ParsedGroup,
  type ParsedNode,
  type SegmentFieldSpec,
  type SegmentValueType,
} from './segment-fields';

export const MAX_CONDITIONS = 50;
export const MAX_DEPTH = 3;
const MAX_LIST = 100;
const MAX_TEXT = 200;
const MAX_DAYS = 36_500;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const DECIMAL = /^-?\d{1,14}(\.\d{1,4})?$/;

export type ParseResult =
  | { ok: true; root: ParsedGroup }
  /** `unprocessable` when the definition is well-formed but names something that does not exist (a custom field). */
  | { ok: false; kind: 'validation' | 'unprocessable'; errors: FieldError[] };

/**
 * Checks a segment definition as a client sent it and turns it into a tree the query builder
 * trusts: only whitelisted fields and operators, values of the right type. Every problem names its
 * path (`definition.conditions[2].op`), so the client can point at the offending part.
 */
export class SegmentDefinitionParser {
  private readonly customFields: Map<string, CustomFieldDefinition>;

  constructor(customFieldDefinitions: readonly CustomFieldDefinition[]) {
    this.customFields = new Map(customFieldDefinitions.map((d) => [d.key, d]));
  }

  parse(raw: unknown, path = 'definition'): ParseResult {
    const errors: FieldError[] = [];
    const unknownFields: FieldError[] = [];
    let count = 0;

    const fail = (at: string, message: string) => {
      errors.push({ field: at, message: `${at} ${message}` });
    };

    const node = (value: unknown, at: string, depth: number): ParsedNode | undefined => {
      if (!isPlainObject(value))
        return (fail(at, 'must be a condition {field, op, value} or a group {any: [...]} / {all: [...]}'), undefined);
      if ('any' in value || 'all' in value) return group(value, at, depth);
      return condition(value, at);
    };

    const list = (value: unknown, at: string, depth: number): ParsedNode[] => {
      if (!Array.isArray(value)) return (fail(at, 'must be a list of conditions'), []);
      if (value.length === 0) return (fail(at, 'must hold at least one condition'), []);
      return value.map((v, i) => node(v, `${at}[${i}]`, depth)).filter((n): n is ParsedNode => n !== undefined);
    };

    const group = (value: Record<string, unknown>, at: string, depth: number): ParsedGroup | undefined => {
      const keys = Object.keys(value);
      if (keys.length !== 1) {
        const extra = keys.find((k) => k !== 'any' && k !== 'all') ?? 'all';
        return (fail(`${at}.${extra}`, 'is not allowed: a group has exactly one of any or all'), undefined);
      }
      if (depth >= MAX_DEPTH) return (fail(at, `nests groups deeper than ${MAX_DEPTH} levels`), undefined);
      const match = keys[0] as 'any' | 'all';
      return { kind: 'group', match, children: list(value[match], `${at}.${match}`, depth + 1) };
    };

    const condition = (value: Record<string, unknown>, at: string): ParsedCondition | undefined => {
      count += 1;
      const extra = Object.keys(value).find((k) => k !== 'field' && k !== 'op' && k !== 'value');
      if (extra !== undefined)
        return (fail(`${at}.${extra}`, 'is not allowed (a condition has field, op and value)'), undefined);
      const field = value['field'];
      if (typeof field !== 'string' || field.length === 0 || field.length > 60)
        return (fail(`${at}.field`, 'must name a field'), undefined);
      const spec = this.spec(field);
      if (spec === undefined) {
        if (field.startsWith(CUSTOM_FIELD_PREFIX)) {
          unknownFields.push({ field: `${at}.field`, message: `${at}.field: ${field} is not a defined custom field` });
        } else {
          fail(`${at}.field`, `must be one of ${Object.keys(SEGMENT_FIELD_SPECS).join(', ')} or customFields.<key>`);
        }
        return undefined;
      }
      const op = value['op'];
      const allowedOps = OPERATORS_BY_TYPE[spec.type];
      if (
        typeof op !== 'string' ||
        !(SEGMENT_OPERATORS as readonly string[]).includes(op) ||
        !allowedOps.includes(op as SegmentOperator)
      ) {
        return (fail(`${at}.op`, `must be one of ${allowedOps.join(', ')} for ${field}`), undefined);
      }
      const checked = checkValue(spec, op as SegmentOperator, value['value']);
      if ('error' in checked) return (fail(`${at}.value`, checked.error), undefined);
      const customKey = field.startsWith(CUSTOM_FIELD_PREFIX) ? field.slice(CUSTOM_FIELD_PREFIX.length) : undefined;
      return {
        kind: 'condition',
        field,
        ...(customKey !== undefined ? { customKey } : {}),
        type: spec.type,
        op: op as SegmentOperator,
        value: checked.value,
      };
    };

    if (!isPlainObject(raw))
      return {
        ok: false,
        kind: 'validation',
        errors: [{ field: path, message: `${path} must be an object with conditions` }],
      };
    const extra = Object.keys(raw).find((k) => k !== 'match' && k !== 'conditions');
    if (extra !== undefined) fail(`${path}.${extra}`, 'is not allowed (a definition has match and conditions)');
    const match = raw['match'] ?? 'all';
    if (match !== 'all' && match !== 'any') fail(`${path}.match`, 'must be all or any');
    const children = list(raw['conditions'], `${path}.conditions`, 1);
    if (count > MAX_CONDITIONS)
      fail(`${path}.conditions`, `holds ${count} conditions; at most ${MAX_CONDITIONS} are allowed`);
    if (errors.length > 0) return { ok: false, kind: 'validation', errors: [...errors, ...unknownFields] };
    if (unknownFields.length > 0) return { ok: false, kind: 'unprocessable', errors: unknownFields };
    return { ok: true, root: { kind: 'group', match: match as 'all' | 'any', children } };
  }

  private spec(field: string): SegmentFieldSpec | undefined {
    if (Object.prototype.hasOwnProperty.call(SEGMENT_FIELD_SPECS, field)) return SEGMENT_FIELD_SPECS[field];
    if (!field.startsWith(CUSTOM_FIELD_PREFIX)) return undefined;
    const definition = this.customFields.get(field.slice(CUSTOM_FIELD_PREFIX.length));
    if (!definition) return undefined;
    const type: SegmentValueType =
      definition.type === 'string'
        ? 'text'
        : definition.type === 'enum'
          ? 'enum'
          : definition.type === 'boolean'
            ? 'boolean'
            : definition.type === 'date'
              ? 'date'
              : 'number';
    return { type, ...(definition.type === 'enum' ? { allowed: definition.allowedValues } : {}) };
  }
}

type Checked = { value: unknown } | { error: string };

/** One scalar of the field's type, normalised; an error message otherwise. */
function scalar(spec: SegmentFieldSpec, value: unknown): Checked {
  switch (spec.type) {
    case 'enum':
      return typeof value === 'string' && spec.allowed!.includes(value)
        ? { value }
        : { error: `must be one of ${spec.allowed!.join(', ')}` };
    case 'text':
    case 'tags':
      return typeof value === 'string' && value.length >= 1 && value.length <= MAX_TEXT
        ? { value }
        : { error: `must be a text of 1 to ${MAX_TEXT} characters` };
    case 'boolean':
      return typeof value === 'boolean' ? { value } : { error: 'must be true or false' };
    case 'date':
      return typeof value === 'string' && DATE.test(value) ? { value } : { error: 'must be a date such as 2026-11-20' };
    case 'timestamp':
      return typeof value === 'string' &&
        (DATE.test(value) || (DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))))
        ? { value }
        : { error: 'must be a date (2026-11-20) or a date-time with offset (2026-11-20T10:15:00+08:00)' };
    case 'integer':
      return Number.isSafeInteger(value) && (value as number) >= 0
        ? { value }
        : { error: 'must be a whole number of at least 0' };
    case 'decimal': {
      const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      return typeof text === 'string' && DECIMAL.test(text)
        ? { value: text }
        : { error: 'must be an amount such as 1000 or "99.50"' };
    }
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? { value } : { error: 'must be a number' };
  }
}

function checkValue(spec: SegmentFieldSpec, op: SegmentOperator, value: unknown): Checked {
  switch (op) {
    case 'eq':
    case 'neq':
    case 'gte':
    case 'lte': {
      const one = scalar(spec, value);
      return 'error' in one ? { error: one.error } : one;
    }
    case 'in':
    case 'notIn':
    case 'hasAny':
    case 'hasAll':
    case 'hasNone': {
      if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LIST)
        return { error: `must be a list of 1 to ${MAX_LIST} values` };
      const items: unknown[] = [];
      for (const [i, item] of value.entries()) {
        const one = scalar(spec, item);
        if ('error' in one) return { error: `[${i}] ${one.error}` };
        items.push(one.value);
      }
      return { value: [...new Set(items)] };
    }
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2) return { error: 'must be a pair [from, to]' };
      const from = scalar(spec, value[0]);
      if ('error' in from) return { error: `[0] ${from.error}` };
      const to = scalar(spec, value[1]);
      if ('error' in to) return { error: `[1] ${to.error}` };
      if (compare(spec.type, from.value, to.value) > 0)
        return { error: 'must be a pair [from, to] with from not after to' };
      return { value: [from.value, to.value] };
    }
    case 'withinDays':
    case 'notWithinDays':
      return Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= MAX_DAYS
        ? { value }
        : { error: `must be a whole number of days from 1 to ${MAX_DAYS}` };
  }
}

function compare(type: SegmentValueType, a: unknown, b: unknown): number {
  if (type === 'timestamp') return Date.parse(a as string) - Date.parse(b as string);
  if (type === 'decimal') return Number(a) - Number(b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
