import type { SegmentOperator } from '@rapport/contracts';
import {
  OPERATORS_BY_TYPE,
  SEGMENT_FIELD_SPECS,
  type ParsedCondition,
  type ParsedGroup,
  type ParsedNode,
  type SegmentValueType,
} from './segment-fields';

/**
 * SQL for each whitelisted field over `customer_profile.customers c` left-joined with
 * `customer_profile.customer_purchase_summary s`. Nothing a client sends ever becomes SQL text:
 * field names pick an entry here, values become parameters.
 */
const COLUMN_SQL: Readonly<Record<string, string>> = {
  kind: 'c.kind',
  gender: 'c.gender',
  sourceChannel: 'c.source_channel',
  lifecycleStage: 'c.lifecycle_stage',
  valueTier: 'c.value_tier',
  ownerId: 'c.owner_id',
  team: 'c.team',
  birthday: 'c.birthday',
  createdAt: 'c.created_at',
  purchaseCount: 'coalesce(s.purchase_count, 0)',
  // net of refunds, in the base currency the totals are kept in
  totalSpent: 'coalesce(s.total_base - s.refunded_base, 0)',
  lastPurchaseAt: 's.last_purchase_at',
};

const ADDRESS_KEY_SQL: Readonly<Record<string, string>> = {
  country: `'country'`,
  province: `'province'`,
  city: `'city'`,
};

const CAST: Readonly<Record<SegmentValueType, string>> = {
  enum: 'text',
  text: 'text',
  boolean: 'boolean',
  tags: 'text',
  date: 'date',
  timestamp: 'timestamptz',
  integer: 'int',
  decimal: 'numeric',
  number: 'numeric',
};

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Turns a parsed definition into one WHERE fragment; every value is appended to `params`. */
export class SegmentQueryBuilder {
  where(root: ParsedGroup, params: unknown[]): string {
    return this.node(root, params);
  }

  private node(node: ParsedNode, params: unknown[]): string {
    if (node.kind === 'group') {
      if (node.children.length === 0) return node.match === 'all' ? 'true' : 'false';
      return `(${node.children.map((c) => this.node(c, params)).join(node.match === 'all' ? ' AND ' : ' OR ')})`;
    }
    if (!OPERATORS_BY_TYPE[node.type].includes(node.op))
      throw new Error(`operator ${node.op} is not allowed for ${node.type}`);
    return `(${this.condition(node, params)})`;
  }

  private condition(c: ParsedCondition, params: unknown[]): string {
    const add = (value: unknown, cast: string) => {
      params.push(value);
      return `$${params.length}::${cast}`;
    };
    if (c.customKey !== undefined) return this.customField(c, c.customKey, add);
    const spec = SEGMENT_FIELD_SPECS[c.field];
    if (spec === undefined || spec.type !== c.type) throw new Error(`field ${c.field} is not a segment field`);
    if (c.field === 'inPool') {
      const inPool = c.op === 'eq' ? c.value === true : c.value !== true;
      return inPool ? 'c.owner_id IS NULL' : 'c.owner_id IS NOT NULL';
    }
    if (c.field === 'tags') {
      const list = add(c.value, 'text[]');
      if (c.op === 'hasAny') return `c.tags && ${list}`;
      if (c.op === 'hasAll') return `c.tags @> ${list}`;
      return `NOT (c.tags && ${list})`;
    }
    const addressKey = ADDRESS_KEY_SQL[c.field];
    if (addressKey !== undefined) {
      const values = add(Array.isArray(c.value) ? c.value : [c.value], 'text[]');
      const exists = `EXISTS (SELECT 1 FROM jsonb_array_elements(c.addresses) AS a(v) WHERE a.v->>${addressKey} = ANY(${values}))`;
      return c.op === 'eq' || c.op === 'in' ? exists : `NOT ${exists}`;
    }
    const column = COLUMN_SQL[c.field];
    if (column === undefined) throw new Error(`field ${c.field} has no column`);
    return this.compare(column, c.type, c.op, c.value, add);
  }

  /** The key travels as a parameter too; definitions were checked against the admin's custom fields. */
  private customField(c: ParsedCondition, key: string, add: (value: unknown, cast: string) => string): string {
    if ((c.op === 'eq' || c.op === 'neq') && c.type !== 'date') {
      // containment uses the GIN index on custom_fields
      const contains = `c.custom_fields @> ${add(JSON.stringify({ [key]: c.value }), 'jsonb')}`;
      return c.op === 'eq' ? contains : `NOT (${contains})`;
    }
    const k = add(key, 'text');
    const expression =
      c.type === 'number'
        ? `(CASE WHEN jsonb_typeof(c.custom_fields->${k}) = 'number' THEN (c.custom_fields->>${k})::numeric END)`
        : c.type === 'date'
          ? `(CASE WHEN c.custom_fields->>${k} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN (c.custom_fields->>${k})::date END)`
          : `(c.custom_fields->>${k})`;
    return this.compare(expression, c.type, c.op, c.value, add);
  }

  private compare(
    expression: string,
    type: SegmentValueType,
    op: SegmentOperator,
    value: unknown,
    add: (value: unknown, cast: string) => string,
  ): string {
    const cast = CAST[type];
    const upper = (v: unknown) =>
      type === 'timestamp' && typeof v === 'string' && DATE_ONLY.test(v)
        ? `${expression} < (${add(v, 'date')} + 1)::timestamptz` // a date-only upper bound includes that whole day
        : `${expression} <= ${add(v, cast)}`;
    switch (op) {
      case 'eq':
        return `${expression} = ${add(value, cast)}`;
      case 'neq':
        return `${expression} IS DISTINCT FROM ${add(value, cast)}`;
      case 'in':
        return `${expression} = ANY(${add(value, `${cast}[]`)})`;
      case 'notIn':
        return `coalesce(${expression} <> ALL(${add(value, `${cast}[]`)}), true)`;
      case 'gte':
        return `${expression} >= ${add(value, cast)}`;
      case 'lte':
        return upper(value);
      case 'between': {
        const [from, to] = value as [unknown, unknown];
        return `${expression} >= ${add(from, cast)} AND ${upper(to)}`;
      }
      case 'withinDays':
        return `${expression} >= now() - make_interval(days => ${add(value, 'int')})`;
      case 'notWithinDays':
        return `(${expression} IS NULL OR ${expression} < now() - make_interval(days => ${add(value, 'int')}))`;
      case 'hasAny':
      case 'hasAll':
      case 'hasNone':
        throw new Error(`operator ${op} is only for tags`);
    }
  }
}
