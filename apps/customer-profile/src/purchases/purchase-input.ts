import {
  CURRENCY_CODE,
  CURRENCY_CODE_MESSAGE,
  MONEY_AMOUNT,
  PURCHASE_LIMITS,
  SALES_CHANNEL,
  SALES_CHANNEL_MESSAGE,
  UNIT_PRICE_MESSAGE,
} from '@rapport/contracts';
import type { FieldError } from '@rapport/platform-http';
import { Money } from './money';

/**
 * The rules of a purchase in customer-profile, for POST …/purchases (whose body the contract's
 * decorators have already shaped with the same constants) and for purchase imports (CSV rows and
 * JSON lines, read here field by field).
 */

/** The one currency-code check: request bodies, import rows and the exchange-rate route. */
export function isCurrencyCode(value: string): boolean {
  return CURRENCY_CODE.test(value);
}

/** numeric(18, 4): at most 14 digits before the point. */
export function fitsStoredAmount(amount: string): boolean {
  return /^-?\d{1,14}(\.\d*)?$/.test(amount);
}

/**
 * Every line and price fits numeric(18, 4), but their product, sum or the converted total may not:
 * such an amount is refused by name (each field was valid), never a 500 or a failed import.
 */
export function storedAmountError(field: string, amount: string): FieldError | null {
  if (fitsStoredAmount(amount)) return null;
  return {
    field,
    message: `${field === 'currency' ? 'the total in the base currency' : 'the amount'} ${amount} is 10^14 or more`,
  };
}

/** The order's own fields, as a purchase import reads them. */
export interface PurchaseOrderInput {
  externalOrderId: string;
  currency: string;
  channel: string | null;
  /** ISO 8601 in UTC, as POST …/purchases stores and publishes it. */
  occurredAt: string;
}

export interface PurchaseLineInput {
  sku: string;
  name: string | null;
  category: string | null;
  quantity: string;
  unitPrice: string;
}

const QUANTITY = new RegExp(`^\\d{1,7}(\\.\\d{1,${PURCHASE_LIMITS.quantityDecimals}})?$`);
/** An ISO 8601 date-time with a zone offset (as POST …/purchases requires). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads the order fields of a raw record; every bad one is added to `errors`. null when any is bad. */
export function readPurchaseOrder(raw: Record<string, unknown>, errors: FieldError[]): PurchaseOrderInput | null {
  const before = errors.length;
  const text = stringReader(raw, '', errors);
  const externalOrderId = text('externalOrderId', PURCHASE_LIMITS.externalOrderIdLength, true);
  const currency = text('currency', 3, true);
  if (currency !== null && !isCurrencyCode(currency))
    errors.push({ field: 'currency', message: CURRENCY_CODE_MESSAGE });
  const channel = text('channel', 40);
  if (channel !== null && !SALES_CHANNEL.test(channel))
    errors.push({ field: 'channel', message: SALES_CHANNEL_MESSAGE });
  const rawTime = text('occurredAt', 40, true);
  let occurredAt: string | null = null;
  if (rawTime !== null) {
    const time = Date.parse(rawTime);
    if (!ISO_TIME.test(rawTime) || Number.isNaN(time))
      errors.push({ field: 'occurredAt', message: 'occurredAt must be an ISO 8601 date-time with a time zone offset' });
    else occurredAt = new Date(time).toISOString();
  }
  if (errors.length > before || externalOrderId === null || currency === null || occurredAt === null) return null;
  return { externalOrderId, currency, channel, occurredAt };
}

/**
 * Reads one order line (a JSON number or a decimal string for each amount), naming bad fields under
 * `prefix` ('' for a CSV row, `lines[2].` in a JSON purchase). null when any field is bad.
 */
export function readPurchaseLine(
  raw: Record<string, unknown>,
  prefix: string,
  errors: FieldError[],
): PurchaseLineInput | null {
  const before = errors.length;
  const text = stringReader(raw, prefix, errors);
  const sku = text('sku', PURCHASE_LIMITS.skuLength, true);
  const name = text('name', PURCHASE_LIMITS.nameLength);
  const category = text('category', PURCHASE_LIMITS.categoryLength);
  const quantity = decimal(raw['quantity'], QUANTITY);
  if (quantity === null || Number(quantity) <= 0 || Number(quantity) > PURCHASE_LIMITS.maxQuantity) {
    errors.push({
      field: `${prefix}quantity`,
      message: `quantity must be a positive number (at most ${PURCHASE_LIMITS.maxQuantity}, ${PURCHASE_LIMITS.quantityDecimals} decimals)`,
    });
  }
  const unitPrice = decimal(raw['unitPrice'], MONEY_AMOUNT);
  if (unitPrice === null) errors.push({ field: `${prefix}unitPrice`, message: UNIT_PRICE_MESSAGE });
  if (errors.length > before || sku === null || quantity === null || unitPrice === null) return null;
  const tooLarge = storedAmountError(
    prefix === '' ? 'unitPrice' : prefix.slice(0, -1),
    Money.parse(unitPrice).times(quantity).toString(),
  );
  if (tooLarge) {
    errors.push(tooLarge);
    return null;
  }
  return { sku, name, category, quantity, unitPrice };
}

/** A number (JSON) or a decimal string (CSV) matching the pattern, as a string; null when it does not. */
function decimal(value: unknown, pattern: RegExp): string | null {
  const text =
    typeof value === 'number' && Number.isFinite(value)
      ? String(value)
      : typeof value === 'string'
        ? value.trim()
        : null;
  return text !== null && pattern.test(text) ? text : null;
}

/** Reads trimmed strings of a raw record: empty is absent, a non-string or a too long one is an error. */
export function stringReader(raw: Record<string, unknown>, prefix: string, errors: FieldError[]) {
  return (key: string, max: number, required = false): string | null => {
    const value = raw[key];
    const field = `${prefix}${key}`;
    if (value === undefined || value === null || value === '') {
      if (required) errors.push({ field, message: `${key} is required` });
      return null;
    }
    if (typeof value !== 'string') {
      errors.push({ field, message: `${key} must be a string` });
      return null;
    }
    const trimmed = value.trim();
    if (trimmed === '') {
      if (required) errors.push({ field, message: `${key} is required` });
      return null;
    }
    if (trimmed.length > max) {
      errors.push({ field, message: `${key} must be at most ${max} characters` });
      return null;
    }
    return trimmed;
  };
}
