import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { PageQuery } from './paging.dto';

/**
 * A multiple of 10^-places, as the document's `multipleOf` says: 0.001 * 7 (0.007000000000000001) is
 * one, 1e-7 and 5e-324 are not. The tolerance is relative, far below any decimal a client means.
 */
function isMultipleOfStep(value: number, places: number): boolean {
  const steps = value / 10 ** -places;
  return (
    Math.abs(steps - Math.round(steps)) <= 1e-9 * Math.max(1, Math.abs(steps)) &&
    (value === 0 || Math.round(steps) !== 0)
  );
}

/**
 * At most `places` decimals: class-validator's own
 * `maxDecimalPlaces` throws on numbers it prints in exponent form (1e-7), a 500 instead of a 400.
 * Stated in the OpenAPI document as `multipleOf` (apps/gateway/src/openapi-validators.ts).
 */
export function MaxDecimalPlaces(places: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxDecimalPlaces',
      constraints: [places],
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isFinite(value) && isMultipleOfStep(value, places),
        defaultMessage: () => `$property must have at most ${places} decimals`,
      },
    },
    options,
  );
}

/**
 * A decimal arrives as a JSON number (88.5) or a decimal string ("88.50") and is kept as a string:
 * never a float. A number is written with the decimals it has, up to `places` (String() would write
 * 1e-7 or 0.30000000000000004); one with more decimals keeps them and fails the pattern.
 */
const decimalToString =
  (places: number) =>
  ({ value }: { value: unknown }): unknown => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return value;
    // A multiple of 10^-places as JSON Schema's multipleOf reads it (the document states it so).
    if (Math.abs(value) >= 1e21 || !isMultipleOfStep(value, places)) return String(value);
    const fixed = value.toFixed(places);
    return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  };
const moneyToString = decimalToString(4);

/**
 * The rules of a purchase, stated once: these decorators, customer-profile's purchase import and its
 * exchange-rate route read the same patterns and limits.
 */
export const CURRENCY_CODE = /^[A-Z]{3}$/;
export const CURRENCY_CODE_MESSAGE = 'currency must be an ISO 4217 code such as CNY';
export const SALES_CHANNEL = /^[a-z][a-z0-9_-]{0,39}$/;
export const SALES_CHANNEL_MESSAGE = 'channel must be a lower-case word such as store or web';
/** A non-negative amount that fits numeric(18, 4). */
export const MONEY_AMOUNT = /^\d{1,14}(\.\d{1,4})?$/;
export const UNIT_PRICE_MESSAGE = 'unitPrice must be a non-negative decimal amount with at most 4 decimals';
export const PURCHASE_LIMITS = {
  externalOrderIdLength: 200,
  skuLength: 100,
  nameLength: 200,
  categoryLength: 100,
  maxQuantity: 1_000_000,
  quantityDecimals: 3,
  maxLines: 500,
} as const;
/** A positive decimal rate (at most 9 integer digits, no leading zero, at most 10 decimals; not "0" or "0.000"). */
const POSITIVE_RATE = /^([1-9]\d{0,8}(\.\d{1,10})?|0{1,9}\.\d{0,9}[1-9]\d{0,9})$/;

/** The two forms of a decimal, as the validators read them (the document states both). */
function decimalSchema(
  pattern: RegExp,
  places: number,
  integerDigits: number,
  example: string,
  description: string,
  positive = false,
): ApiPropertyOptions {
  return {
    oneOf: [
      { type: 'string', pattern: pattern.source, example },
      {
        type: 'number',
        minimum: positive ? 10 ** -places : 0,
        maximum: 10 ** integerDigits - 1,
        multipleOf: 10 ** -places,
        example: Number(example),
      },
    ],
    description,
  };
}
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class PurchaseLineRequest {
  @ApiProperty({ example: 'TEA-001', maxLength: PURCHASE_LIMITS.skuLength })
  @Transform(trim)
  @IsString()
  @Length(1, PURCHASE_LIMITS.skuLength)
  sku!: string;

  @ApiPropertyOptional({ example: '西湖龙井', maxLength: PURCHASE_LIMITS.nameLength })
  @IsOptional()
  @IsString()
  @Length(1, PURCHASE_LIMITS.nameLength)
  name?: string;

  @ApiPropertyOptional({ example: 'tea', maxLength: PURCHASE_LIMITS.categoryLength })
  @IsOptional()
  @IsString()
  @Length(1, PURCHASE_LIMITS.categoryLength)
  category?: string;

  @ApiProperty({ example: 2, description: 'Positive, at most 3 decimals' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(PURCHASE_LIMITS.quantityDecimals)
  @IsPositive()
  @Max(PURCHASE_LIMITS.maxQuantity)
  quantity!: number;

  @ApiProperty(decimalSchema(MONEY_AMOUNT, 4, 14, '88.50', 'Decimal, at most 4 decimals'))
  @Transform(moneyToString)
  @Matches(MONEY_AMOUNT, { message: UNIT_PRICE_MESSAGE })
  unitPrice!: string;
}

export class RecordPurchaseRequest {
  @ApiProperty({
    example: 'SO-2026-000123',
    description: 'Unique: a replay returns the purchase already recorded',
    maxLength: PURCHASE_LIMITS.externalOrderIdLength,
  })
  @Transform(trim)
  @IsString()
  @Length(1, PURCHASE_LIMITS.externalOrderIdLength)
  externalOrderId!: string;

  @ApiProperty({ example: 'CNY', description: 'ISO 4217; needs an exchange rate to the base currency' })
  @Matches(CURRENCY_CODE, { message: CURRENCY_CODE_MESSAGE })
  currency!: string;

  @ApiPropertyOptional({ example: 'store', maxLength: 40 })
  @IsOptional()
  @Matches(SALES_CHANNEL, { message: SALES_CHANNEL_MESSAGE })
  channel?: string;

  @ApiProperty({ example: '2026-11-20T10:15:00+08:00', format: 'date-time' })
  @IsISO8601({ strict: true }, { message: 'occurredAt must be an ISO 8601 date-time' })
  // From year 1000 (the strict ISO 8601 check refuses earlier ones), with an offset.
  @Matches(/^[1-9]\d{3}-.*T.*(Z|[+-]\d{2}:\d{2})$/, {
    message: 'occurredAt must be a date-time from year 1000 with a time zone offset',
  })
  occurredAt!: string;

  @ApiProperty({ type: [PurchaseLineRequest], minItems: 1, maxItems: PURCHASE_LIMITS.maxLines })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PURCHASE_LIMITS.maxLines)
  @ValidateNested({ each: true })
  @Type(() => PurchaseLineRequest)
  lines!: PurchaseLineRequest[];
}

export class RefundLineRequest {
  @ApiProperty({ example: 1, description: 'The line number (lineNo) in the purchase' })
  @IsInt()
  @Min(1)
  lineNo!: number;

  @ApiProperty({ example: 1 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(3)
  @IsPositive()
  @Max(1_000_000)
  quantity!: number;
}

/** Give `amount` or `lines` (not both); neither refunds all that is left. */
export class RecordRefundRequest {
  @ApiPropertyOptional(decimalSchema(MONEY_AMOUNT, 4, 14, '50.00', 'Decimal, at most 4 decimals'))
  @IsOptional()
  @Transform(moneyToString)
  @Matches(MONEY_AMOUNT, { message: 'amount must be a positive decimal amount with at most 4 decimals' })
  amount?: string;

  @ApiPropertyOptional({ type: [RefundLineRequest] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => RefundLineRequest)
  lines?: RefundLineRequest[];

  @ApiProperty({ example: 'damaged on delivery', maxLength: 500 })
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class ListPurchasesQuery extends PageQuery({ defaultLimit: 20, maxLimit: 100 }) {}

export class PutExchangeRateRequest {
  @ApiProperty(decimalSchema(POSITIVE_RATE, 10, 9, '7.1', 'Units of the base currency per unit of this currency', true))
  @Transform(decimalToString(10))
  @Matches(POSITIVE_RATE, { message: 'rate must be a positive decimal with at most 10 decimals' })
  rate!: string;
}

export class PurchaseLineView {
  @ApiProperty() lineNo!: number;
  @ApiProperty() sku!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ nullable: true, type: String }) category!: string | null;
  @ApiProperty() quantity!: number;
  @ApiProperty({ example: '88.50' }) unitPrice!: string;
  @ApiProperty({ example: '177.00' }) lineTotal!: string;
  @ApiProperty() refundedQuantity!: number;
}

export class RefundView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) purchaseId!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ example: '50.00' }) amount!: string;
  @ApiProperty() baseCurrency!: string;
  @ApiProperty({ example: '50.00' }) amountBase!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class PurchaseView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty() externalOrderId!: string;
  @ApiProperty({ nullable: true, type: String }) channel!: string | null;
  @ApiProperty() currency!: string;
  @ApiProperty({ example: '177.00' }) total!: string;
  @ApiProperty({ example: 'CNY' }) baseCurrency!: string;
  @ApiProperty({ example: '177.00' }) totalBase!: string;
  @ApiProperty({ example: '0.00' }) refunded!: string;
  @ApiProperty({ example: '0.00' }) refundedBase!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ type: [PurchaseLineView] }) lines!: PurchaseLineView[];
  @ApiProperty({ type: [RefundView] }) refunds!: RefundView[];
}

export class PurchasePage {
  @ApiProperty({ type: [PurchaseView] }) items!: PurchaseView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class CurrencyTotalView {
  @ApiProperty() currency!: string;
  @ApiProperty() purchaseCount!: number;
  @ApiProperty({ example: '177.00' }) total!: string;
  @ApiProperty({ example: '0.00' }) refunded!: string;
  @ApiProperty({ example: '177.00' }) net!: string;
}

export class PurchaseTotalsView {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ example: 'CNY' }) baseCurrency!: string;
  @ApiProperty() purchaseCount!: number;
  @ApiProperty({ example: '177.00' }) totalBase!: string;
  @ApiProperty({ example: '0.00' }) refundedBase!: string;
  @ApiProperty({ example: '177.00' }) netBase!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) firstPurchaseAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastPurchaseAt!: string | null;
  @ApiProperty({ type: [CurrencyTotalView] }) byCurrency!: CurrencyTotalView[];
}

export class ExchangeRateView {
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ example: 'CNY' }) baseCurrency!: string;
  @ApiProperty({ example: '7.1' }) rate!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ExchangeRateList {
  @ApiProperty({ type: [ExchangeRateView] }) items!: ExchangeRateView[];
}

export class ImportErrorView {
  @ApiProperty({ description: 'The line of the upload (1 is the CSV header)' }) line!: number;
  @ApiProperty({ nullable: true, type: String, description: 'The column, or null for a line that could not be read' })
  field!: string | null;
  @ApiProperty() message!: string;
}

export class ImportView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['customers', 'purchases'], description: 'What the file holds' }) type!: string;
  @ApiProperty({ enum: ['csv', 'ndjson'] }) format!: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed'] }) status!: string;
  @ApiProperty({ description: 'Rows read so far (the total once completed)' }) rowsTotal!: number;
  @ApiProperty() rowsDone!: number;
  @ApiProperty() rowsImported!: number;
  @ApiProperty({ description: 'Rows rejected: invalid, malformed or duplicates' }) rowsFailed!: number;
  @ApiProperty({
    description: 'Purchase imports: rows of orders already recorded, left as they were (0 for customers)',
  })
  rowsSkipped!: number;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt!: string | null;
  @ApiProperty({ type: [ImportErrorView], description: 'The first 1000 row errors, by line' })
  errors!: ImportErrorView[];
}

export class ImportList {
  @ApiProperty({ type: [ImportView], description: 'Your 20 most recent imports (errors omitted)' })
  items!: ImportView[];
}
