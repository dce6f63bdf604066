import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { CustomerView } from './customers.dto';
import { PageQuery } from './paging.dto';

export const SEGMENT_KINDS = ['dynamic', 'static'] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];
export const SEGMENT_OPERATORS = [
  'eq',
  'neq',
  'in',
  'notIn',
  'gte',
  'lte',
  'between',
  'hasAny',
  'hasAll',
  'hasNone',
  'withinDays',
  'notWithinDays',
] as const;
export type SegmentOperator = (typeof SEGMENT_OPERATORS)[number];
/** Customer fields a condition may name, besides `customFields.<key>`. */
export const SEGMENT_FIELDS = [
  'kind',
  'gender',
  'sourceChannel',
  'lifecycleStage',
  'valueTier',
  'ownerId',
  'team',
  'inPool',
  'tags',
  'country',
  'province',
  'city',
  'birthday',
  'createdAt',
  'purchaseCount',
  'totalSpent',
  'lastPurchaseAt',
] as const;
/** At most this many customer ids in one add or remove call on a static list. */
export const SEGMENT_MEMBERS_MAX = 1000;

export interface SegmentCondition {
  field: string;
  op: SegmentOperator;
  value?: unknown;
}
/** A group: true when any (OR) or all (AND) of its conditions hold. */
export type SegmentGroup = { any: SegmentNode[] } | { all: SegmentNode[] };
export type SegmentNode = SegmentCondition | SegmentGroup;
export interface SegmentDefinition {
  /** How the top-level conditions combine; `all` (AND) unless given. */
  match?: 'all' | 'any';
  conditions: SegmentNode[];
}

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const idList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '')
    : value;

const DEFINITION_SCHEMA = {
  type: 'object',
  description:
    'Conditions combined with AND (or OR with match "any"); a condition is {field, op, value} or a group {any: [...]} / {all: [...]}. ' +
    'Fields: kind, gender, sourceChannel, lifecycleStage, valueTier, ownerId, team, inPool, tags, country, province, city, birthday, createdAt, ' +
    'purchaseCount, totalSpent (base currency, net of refunds), lastPurchaseAt, customFields.<key>. ' +
    'Operators: eq, neq, in, notIn, gte, lte, between ([from, to]), hasAny, hasAll, hasNone (tags), withinDays, notWithinDays (timestamps).',
  example: {
    match: 'all',
    conditions: [
      { field: 'tags', op: 'hasAny', value: ['茶友'] },
      { field: 'city', op: 'in', value: ['杭州市', '上海市'] },
      {
        any: [
          { field: 'purchaseCount', op: 'gte', value: 3 },
          { field: 'totalSpent', op: 'gte', value: 1000 },
        ],
      },
      { field: 'lastPurchaseAt', op: 'withinDays', value: 90 },
    ],
  },
  additionalProperties: true,
} as const;

export class CreateSegmentRequest {
  @ApiProperty({ example: '杭州茶友 高价值', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name!: string;
  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(1000)
  description?: string;
  @ApiPropertyOptional({
    enum: SEGMENT_KINDS,
    default: 'dynamic',
    description: 'dynamic: members computed from the definition; static: members added by hand',
  })
  @IsOptional()
  @IsIn(SEGMENT_KINDS)
  kind?: SegmentKind;
  @ApiPropertyOptional({
    ...DEFINITION_SCHEMA,
    description: `Required for a dynamic segment, absent for a static list. ${DEFINITION_SCHEMA.description}`,
  })
  @IsOptional()
  @IsObject()
  definition?: SegmentDefinition;
}

export class UpdateSegmentRequest {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;
  @ApiPropertyOptional({ maxLength: 1000, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(1000)
  description?: string;
  @ApiPropertyOptional({ ...DEFINITION_SCHEMA, description: 'Dynamic segments only' })
  @IsOptional()
  @IsObject()
  definition?: SegmentDefinition;
  @ApiPropertyOptional({ description: 'The version read; a stale one gets 412 (alternative: If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(999_999_999)
  version?: number;
}

export class PreviewSegmentRequest {
  @ApiProperty(DEFINITION_SCHEMA) @IsObject() definition!: SegmentDefinition;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 20 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class SegmentMembersQuery extends PageQuery() {}

export class SegmentMembersRequest {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: SEGMENT_MEMBERS_MAX })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SEGMENT_MEMBERS_MAX)
  @IsUUID('all', { each: true, message: 'customerIds must contain customer ids (UUIDs) only' })
  customerIds!: string[];
}

/** DELETE …/members takes the ids in the body or as `?customerIds=a,b` (or repeated). */
export class RemoveSegmentMembersQuery {
  // Not in the document: the body is the documented form (see the gateway's segments controller).
  @ApiHideProperty()
  @IsOptional()
  @Transform(idList)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SEGMENT_MEMBERS_MAX)
  @IsUUID('all', { each: true, message: 'customerIds must contain customer ids (UUIDs) only' })
  customerIds?: string[];
}

export class RemoveSegmentMembersBody {
  @ApiPropertyOptional({ type: [String], format: 'uuid', minItems: 1, maxItems: SEGMENT_MEMBERS_MAX })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SEGMENT_MEMBERS_MAX)
  @IsUUID('all', { each: true, message: 'customerIds must contain customer ids (UUIDs) only' })
  customerIds?: string[];
}

export class SegmentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ enum: SEGMENT_KINDS }) kind!: SegmentKind;
  @ApiProperty({ ...DEFINITION_SCHEMA, nullable: true, description: 'null for a static list' })
  definition!: SegmentDefinition | null;
  @ApiProperty({ description: 'The user who created it' }) ownerId!: string;
  @ApiProperty({ nullable: true, type: String }) team!: string | null;
  @ApiProperty({ description: 'Whether the caller may change or delete it' }) writable!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ description: 'Send it back as If-Match or version to update' }) version!: number;
}

export class SegmentList {
  @ApiProperty({ type: [SegmentView] }) items!: SegmentView[];
}

export class SegmentPreview {
  @ApiProperty({ description: 'Members the caller may see' }) count!: number;
  @ApiProperty({ type: [CustomerView], description: 'The first page; PII masked without pii:read' })
  items!: CustomerView[];
}

export class SegmentMembersAdded {
  @ApiProperty({ type: [String] }) added!: string[];
  @ApiProperty({ type: [String] }) alreadyMembers!: string[];
  @ApiProperty({ type: [String], description: 'Unknown, erased, merged or not visible to the caller: nothing done' })
  notFound!: string[];
}

export class SegmentMembersRemoved {
  @ApiProperty({ type: [String] }) removed!: string[];
  @ApiProperty({ type: [String] }) notMembers!: string[];
  @ApiProperty({ type: [String], description: 'Unknown, erased, merged or not visible to the caller: nothing done' })
  notFound!: string[];
}
