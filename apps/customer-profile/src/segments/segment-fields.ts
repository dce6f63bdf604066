import { CUSTOMER_KINDS, GENDERS, LIFECYCLE_STAGES, SOURCE_CHANNELS, type SegmentOperator } from '@rapport/contracts';

/** What a condition's value is, which decides the operators it takes and how its value is checked. */
export type SegmentValueType =
  'enum' | 'text' | 'boolean' | 'tags' | 'date' | 'timestamp' | 'integer' | 'decimal' | 'number';

export const OPERATORS_BY_TYPE: Readonly<Record<SegmentValueType, readonly SegmentOperator[]>> = {
  enum: ['eq', 'neq', 'in', 'notIn'],
  text: ['eq', 'neq', 'in', 'notIn'],
  boolean: ['eq', 'neq'],
  tags: ['hasAny', 'hasAll', 'hasNone'],
  date: ['eq', 'neq', 'in', 'notIn', 'gte', 'lte', 'between'],
  timestamp: ['gte', 'lte', 'between', 'withinDays', 'notWithinDays'],
  integer: ['eq', 'neq', 'gte', 'lte', 'between'],
  decimal: ['gte', 'lte', 'between'],
  number: ['eq', 'neq', 'in', 'notIn', 'gte', 'lte', 'between'],
};

export interface SegmentFieldSpec {
  type: SegmentValueType;
  allowed?: readonly string[];
}

/** The customer fields a segment may filter on (custom fields come from the admin's definitions). */
export const SEGMENT_FIELD_SPECS: Readonly<Record<string, SegmentFieldSpec>> = {
  kind: { type: 'enum', allowed: CUSTOMER_KINDS },
  gender: { type: 'enum', allowed: GENDERS },
  sourceChannel: { type: 'enum', allowed: SOURCE_CHANNELS },
  lifecycleStage: { type: 'enum', allowed: LIFECYCLE_STAGES },
  valueTier: { type: 'enum', allowed: ['A', 'B', 'C'] },
  ownerId: { type: 'text' },
  team: { type: 'text' },
  inPool: { type: 'boolean' },
  tags: { type: 'tags' },
  country: { type: 'text' },
  province: { type: 'text' },
  city: { type: 'text' },
  birthday: { type: 'date' },
  createdAt: { type: 'timestamp' },
  purchaseCount: { type: 'integer' },
  totalSpent: { type: 'decimal' },
  lastPurchaseAt: { type: 'timestamp' },
};

export const CUSTOM_FIELD_PREFIX = 'customFields.';

export interface ParsedCondition {
  kind: 'condition';
  /** A key of SEGMENT_FIELD_SPECS, or `customFields.<key>` with customKey set. */
  field: string;
  customKey?: string;
  type: SegmentValueType;
  op: SegmentOperator;
  /** Normalised: strings, numbers, booleans, or a list of them; `between` is [from, to]. */
  value: unknown;
}

export interface ParsedGroup {
  kind: 'group';
  match: 'all' | 'any';
  children: ParsedNode[];
}

export type ParsedNode = ParsedCondition | ParsedGroup;
