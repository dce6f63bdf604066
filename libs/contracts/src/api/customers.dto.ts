import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsUUID,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsPhone, PHONE_FORMAT_DESCRIPTION } from '../phone';
import { ASSIGNMENT_RULES, TEAM_PATTERN, VALUE_TIERS, type ValueTier } from './ownership.dto';
import { PageQuery } from './paging.dto';

export const CUSTOMER_KINDS = ['person', 'organisation'] as const;
export const SOURCE_CHANNELS = ['web_form', 'import', 'survey', 'social', 'sales', 'store', 'wechat'] as const;
export const GENDERS = ['female', 'male', 'other', 'unknown'] as const;
export const IDENTIFIER_TYPES = ['wechat_openid', 'wechat_unionid', 'weibo_id', 'external'] as const;
const LIFECYCLE_STAGES = ['prospect', 'new', 'active', 'loyal', 'at_risk', 'churned', 'won_back'] as const;
export const CUSTOMER_SORTS = ['createdAt', '-createdAt', 'name', '-name'] as const;
export const CUSTOM_FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'enum'] as const;
export const CONSENT_CHANNELS = ['email', 'sms', 'phone', 'wechat'] as const;
export const CONSENT_PURPOSES = ['marketing', 'service', 'analytics'] as const;
/** PIPL art. 13 grounds for processing personal information. */
export const LEGAL_BASES = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_interest',
  'publicly_disclosed',
  'other_law',
] as const;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimEach = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value;
const asArray = ({ value }: { value: unknown }) => (value === undefined || Array.isArray(value) ? value : [value]);

/** Round robin on create: the new customer goes to the next member of `team` in turn instead of its creator or the pool. */
export class CreateCustomerAssignment {
  @ApiProperty({
    enum: ASSIGNMENT_RULES,
    example: 'round-robin',
    description: 'round-robin: the next member of the team in turn, skipping members at the holding cap',
  })
  @IsIn(ASSIGNMENT_RULES)
  rule!: (typeof ASSIGNMENT_RULES)[number];

  @ApiProperty({
    example: 'north',
    maxLength: 100,
    description: 'A team with a member list (PUT /api/v1/teams/{team}/members)',
  })
  @Transform(trim)
  @IsString()
  @Matches(TEAM_PATTERN, { message: 'team must be a team name (letters, digits, . _ -; at most 100)' })
  team!: string;
}

export class PostalAddress {
  @ApiPropertyOptional({ example: 'CN', description: 'ISO 3166-1 alpha-2' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as CN' })
  country?: string;
  @ApiPropertyOptional({ example: '浙江省' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  province?: string;
  @ApiPropertyOptional({ example: '杭州市' }) @IsOptional() @Transform(trim) @IsString() @Length(1, 100) city?: string;
  @ApiPropertyOptional({ example: '西湖区' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  district?: string;
  @ApiPropertyOptional({ example: '龙井路 1 号', description: 'Masked for callers without pii:read' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 300)
  street?: string;
  @ApiPropertyOptional({ example: '310000' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 20)
  postcode?: string;
}

export class CustomerIdentifier {
  @ApiProperty({ enum: IDENTIFIER_TYPES }) @IsIn(IDENTIFIER_TYPES) type!: (typeof IDENTIFIER_TYPES)[number];
  @ApiProperty({ example: 'oAbC123', description: 'Unique per type; masked for callers without pii:read' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  value!: string;
}

export class ContactPerson {
  @ApiProperty({ example: '李娜' }) @Transform(trim) @IsString() @Length(1, 200) name!: string;
  @ApiPropertyOptional({ example: '采购经理' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  title?: string;
  @ApiPropertyOptional({ example: '138 0013 8001', description: PHONE_FORMAT_DESCRIPTION })
  @IsOptional()
  @IsString()
  @Length(3, 40)
  @IsPhone()
  phone?: string;
  @ApiPropertyOptional({ example: 'na.li@example.com' })
  @IsOptional()
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  @Length(3, 254)
  email?: string;
}

/**
 * The body of POST /api/v1/customers. One class validates at the gateway (the edge) and again in
 * customer-profile (defence in depth), and documents the OpenAPI schema. Phones are checked by the
 * one phone rule (../phone.ts: any valid number, national ones in the default region) at both, and
 * normalised to E.164 by customer-profile.
 */
export class CreateCustomerRequest {
  @ApiProperty({ example: '王小明', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ enum: CUSTOMER_KINDS, default: 'person' })
  @IsOptional()
  @IsIn(CUSTOMER_KINDS)
  kind?: (typeof CUSTOMER_KINDS)[number];

  @ApiPropertyOptional({ enum: GENDERS })
  @IsOptional()
  @IsIn(GENDERS)
  gender?: (typeof GENDERS)[number];

  @ApiPropertyOptional({ example: '1990-05-17', format: 'date' })
  @IsOptional()
  // From year 1000: the strict ISO 8601 check (which knows the calendar: 2023-02-30 matches the pattern,
  // not the calendar) refuses earlier years, and no customer was born before.
  @Matches(/^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, {
    message: 'birthday must be a date such as 1990-05-17',
  })
  @IsISO8601({ strict: true }, { message: 'birthday must be a date such as 1990-05-17' })
  birthday?: string;

  @ApiPropertyOptional({
    example: 'xiaoming.wang@example.com',
    format: 'email',
    description: 'The primary email; masked (x***@example.com) for callers without pii:read',
  })
  @IsOptional()
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  @Length(3, 254)
  email?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['xiaoming@work.example.com'],
    description: 'Further emails (trimmed, lower-cased)',
  })
  @IsOptional()
  @Transform(trimEach)
  @ArrayMaxSize(10)
  @IsEmail({}, { each: true, message: 'emails must contain email addresses' })
  @MaxLength(254, { each: true })
  emails?: string[];

  @ApiPropertyOptional({ example: '+8613800138000', description: `The primary phone. ${PHONE_FORMAT_DESCRIPTION}` })
  @IsOptional()
  @IsString()
  @Length(3, 40)
  @IsPhone()
  phone?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['010 6552 9988'],
    description: `Further phones. ${PHONE_FORMAT_DESCRIPTION}`,
  })
  @IsOptional()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Length(3, 40, { each: true })
  @IsPhone({ each: true })
  phones?: string[];

  @ApiPropertyOptional({ type: [PostalAddress] })
  @IsOptional()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => PostalAddress)
  addresses?: PostalAddress[];

  @ApiPropertyOptional({ type: [CustomerIdentifier] })
  @IsOptional()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => CustomerIdentifier)
  identifiers?: CustomerIdentifier[];

  @ApiPropertyOptional({ type: [ContactPerson], description: 'Contact persons of an organisation' })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ContactPerson)
  contacts?: ContactPerson[];

  @ApiPropertyOptional({ enum: SOURCE_CHANNELS })
  @IsOptional()
  @IsIn(SOURCE_CHANNELS)
  sourceChannel?: (typeof SOURCE_CHANNELS)[number];

  @ApiPropertyOptional({ type: [String], example: ['vip', '茶友'] })
  @IsOptional()
  @Transform(trimEach)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ type: [String], example: ['green tea'] })
  @IsOptional()
  @Transform(trimEach)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  interests?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { language: 'zh-CN', contactTime: 'evening' },
  })
  @IsOptional()
  @IsObject()
  preferences?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string;

  // No example: a key is valid only once defined (POST /custom-fields), so an example would be a request that fails.
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Keyed by defined custom fields (GET /custom-fields), e.g. {"tier": "gold"}; each value checked against its definition',
  })
  @IsOptional()
  @IsObject()
  customFields?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: CreateCustomerAssignment,
    description:
      'Assign the new customer by rule (department clients, whose customers otherwise land in the public pool; admins; managers within their team). ' +
      'customer.created and ownership.changed are published together; a team without members gets 422 and nothing is written',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => CreateCustomerAssignment)
  assign?: CreateCustomerAssignment;
}

/**
 * The body of PATCH /api/v1/customers/{id}: any subset of the create fields. A list given replaces
 * the stored list; customFields are merged key by key (null removes a key). `version` (or the
 * If-Match header) makes the write conditional: a stale version gets 412.
 */
export class UpdateCustomerRequest extends PartialType(OmitType(CreateCustomerRequest, ['assign'] as const)) {
  @ApiPropertyOptional({ example: 3, description: 'The version the change is based on (alternative to If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(999_999_999)
  version?: number;
}

export class ListCustomersQuery extends PageQuery() {
  @ApiPropertyOptional({
    enum: CUSTOMER_SORTS,
    default: '-createdAt',
    description: 'name sorts by Unicode code point (deterministic; not pinyin order)',
  })
  @IsOptional()
  @IsIn(CUSTOMER_SORTS)
  sort?: (typeof CUSTOMER_SORTS)[number];
  @ApiPropertyOptional({ description: 'Only customers carrying this tag' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  tag?: string;
  @ApiPropertyOptional({ enum: SOURCE_CHANNELS })
  @IsOptional()
  @IsIn(SOURCE_CHANNELS)
  source?: (typeof SOURCE_CHANNELS)[number];
  @ApiPropertyOptional({ enum: CUSTOMER_KINDS })
  @IsOptional()
  @IsIn(CUSTOMER_KINDS)
  kind?: (typeof CUSTOMER_KINDS)[number];
  @ApiPropertyOptional({ enum: LIFECYCLE_STAGES })
  @IsOptional()
  @IsIn(LIFECYCLE_STAGES)
  stage?: (typeof LIFECYCLE_STAGES)[number];
  @ApiPropertyOptional({
    enum: VALUE_TIERS,
    description: "Only customers of this value tier (analytics' latest score)",
  })
  @IsOptional()
  @IsIn(VALUE_TIERS)
  tier?: ValueTier;
  @ApiPropertyOptional({
    type: [String],
    description:
      'Custom field filter key:value on defined custom fields (GET /custom-fields), repeatable (cf=tier:gold&cf=vip:true)',
  })
  @IsOptional()
  @Transform(asArray)
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Matches(/^[a-z][a-z0-9_]{0,39}:.{1,200}$/, { each: true, message: 'cf must look like key:value' })
  cf?: string[];
}

export class SearchCustomersQuery extends PageQuery({ defaultLimit: 20, maxLimit: 100 }) {
  @ApiProperty({
    example: '王小',
    description: 'Matched against names, phones, emails, identifiers and tags: prefix, substring and fuzzy',
  })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  q!: string;
}

export class EraseCustomerQuery {
  @ApiPropertyOptional({ description: 'Must be true: erasure cannot be undone' })
  @IsOptional()
  @Transform(({ value }) => value === 'true' || value === true)
  @IsBoolean()
  confirm?: boolean;
}

export class CreateCustomerQuery {
  @ApiPropertyOptional({ description: 'Create even when likely duplicates exist' })
  @IsOptional()
  @IsIn(['true', 'false'])
  force?: 'true' | 'false';
}

export class ContactPersonView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) title!: string | null;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
}

export class CustomerView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: CUSTOMER_KINDS }) kind!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ type: [String] }) emails!: string[];
  @ApiProperty({ type: [String] }) phones!: string[];
  @ApiProperty({ nullable: true, enum: GENDERS }) gender!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) birthday!: string | null;
  @ApiProperty({ type: [PostalAddress] }) addresses!: PostalAddress[];
  @ApiProperty({ type: [CustomerIdentifier] }) identifiers!: CustomerIdentifier[];
  @ApiProperty({ type: [ContactPersonView] }) contacts!: ContactPersonView[];
  @ApiProperty({ nullable: true, type: String }) sourceChannel!: string | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: [String] }) interests!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) preferences!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) notes!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) customFields!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String, description: 'null: the customer is in the public pool' }) ownerId!:
    string | null;
  @ApiProperty({ nullable: true, type: String }) team!: string | null;
  @ApiPropertyOptional({
    enum: VALUE_TIERS,
    nullable: true,
    type: String,
    description: "The value tier of analytics' latest score; null: not scored yet",
  })
  valueTier?: ValueTier | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    format: 'date-time',
    description:
      'The latest contact: a purchase or a logged interaction (call, mail, visit…); public-pool recycling counts from it. null: never contacted',
  })
  lastContactAt?: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ description: 'Send it back as If-Match or version to update' }) version!: number;
}

export class CustomerPage {
  @ApiProperty({ type: [CustomerView] }) items!: CustomerView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null on the last page' })
  nextCursor!: string | null;
}

export class CustomerSearchHit extends CustomerView {
  @ApiProperty({ description: 'Relevance: higher is better' }) score!: number;
}

export class CustomerSearchPage {
  @ApiProperty({ type: [CustomerSearchHit] }) items!: CustomerSearchHit[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class CustomerCountView {
  @ApiProperty({ example: 42 }) count!: number;
}

export class CustomFieldDefinitionRequest {
  @ApiProperty({ example: 'tier', pattern: '^[a-z][a-z0-9_]{0,39}$' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,39}$/, {
    message: 'key must be lower-case letters, digits and _ (max 40), starting with a letter',
  })
  key!: string;
  @ApiPropertyOptional({ example: '会员等级' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  label?: string;
  @ApiProperty({ enum: CUSTOM_FIELD_TYPES }) @IsIn(CUSTOM_FIELD_TYPES) type!: (typeof CUSTOM_FIELD_TYPES)[number];
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() required?: boolean;
  @ApiPropertyOptional({
    type: [String],
    example: ['gold', 'silver'],
    description: 'Required for type enum, refused otherwise',
  })
  @IsOptional()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  allowedValues?: string[];
}

export class CustomFieldDefinitionView {
  @ApiProperty() key!: string;
  @ApiProperty({ nullable: true, type: String }) label!: string | null;
  @ApiProperty({ enum: CUSTOM_FIELD_TYPES }) type!: string;
  @ApiProperty() required!: boolean;
  @ApiProperty({ type: [String] }) allowedValues!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CustomFieldDefinitionList {
  @ApiProperty({ type: [CustomFieldDefinitionView] }) items!: CustomFieldDefinitionView[];
}

export class RecordConsentRequest {
  @ApiProperty({ enum: CONSENT_CHANNELS }) @IsIn(CONSENT_CHANNELS) channel!: (typeof CONSENT_CHANNELS)[number];
  @ApiProperty({ enum: CONSENT_PURPOSES }) @IsIn(CONSENT_PURPOSES) purpose!: (typeof CONSENT_PURPOSES)[number];
  @ApiProperty({ description: 'true = granted, false = withdrawn' }) @IsBoolean() granted!: boolean;
  @ApiProperty({ example: 'web_form:newsletter-signup', description: 'Where the consent was given or withdrawn' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  source!: string;
  @ApiPropertyOptional({ enum: LEGAL_BASES, default: 'consent' })
  @IsOptional()
  @IsIn(LEGAL_BASES)
  legalBasis?: (typeof LEGAL_BASES)[number];
  @ApiPropertyOptional({
    description: 'When it happened (default: now): an ISO 8601 date-time with an offset, seconds optional',
  })
  @IsOptional()
  @Matches(
    /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/,
    {
      message: 'occurredAt must be an ISO 8601 date-time with offset',
    },
  )
  occurredAt?: string;
}

export class ConsentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: CONSENT_CHANNELS }) channel!: string;
  @ApiProperty({ enum: CONSENT_PURPOSES }) purpose!: string;
  @ApiProperty() granted!: boolean;
  @ApiProperty() source!: string;
  @ApiProperty({ enum: LEGAL_BASES }) legalBasis!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty() recordedBy!: string;
}

export class ConsentOverview {
  @ApiProperty({ type: [ConsentView], description: 'The latest record per channel and purpose' })
  current!: ConsentView[];
  @ApiProperty({ type: [ConsentView], description: 'Every grant and withdrawal, newest first' })
  history!: ConsentView[];
}

export class DuplicateCandidate {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: [String], example: ['phone', 'name'] }) matchedOn!: string[];
  @ApiProperty() score!: number;
}

export class DuplicatePair {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ format: 'uuid' }) duplicateOfId!: string;
  @ApiProperty({ type: [String] }) matchedOn!: string[];
  @ApiProperty({ format: 'date-time' }) detectedAt!: string;
}

export class DuplicatePairList {
  @ApiProperty({ type: [DuplicatePair] }) items!: DuplicatePair[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class DuplicatesQuery extends PageQuery() {}

export class MergeCustomersRequest {
  @ApiProperty({
    format: 'uuid',
    description: 'The customer merged into the one of the path (it becomes a tombstone that redirects reads)',
  })
  @IsUUID('4', { message: 'sourceId must be a customer id' })
  sourceId!: string;
}
