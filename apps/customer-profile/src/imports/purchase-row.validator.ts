import type { FieldError } from '@rapport/platform-http';
import { ContactNormaliser } from '../customers/contact-normaliser';

/** How an imported purchase names its customer: by id, or by a normalised email, phone or identifier. */
export interface CustomerReference {
  customerId: string | null;
  email: string | null;
  phone: string | null;
  identifierType: string | null;
  identifier: string | null;
}

/** One order line ready for the staging table, with the order it belongs to. */
export interface PurchaseLineRow extends CustomerReference {
  externalOrderId: string;
  currency: string;
  channel: string | null;
  /** ISO 8601 in UTC, as POST …/purchases stores and publishes it. */
  occurredAt: string;
  sku: string;
  name: string | null;
  category: string | null;
  quantity: string;
  unitPrice: string;
}

export type PurchaseRowResult = { rows: PurchaseLineRow[]; errors: []; externalOrderId: string } | { rows: null; errors: FieldError[]; externalOrderId: string | null };

/** CSV columns: one row per order line; the rows of one order share externalOrderId. */
export const PURCHASE_CSV_COLUMNS = [
  'externalOrderId',
  'customerId',
  'email',
  'phone',
  'identifierType',
  'identifier',
  'currency',
  'channel',
  'occurredAt',
  'sku',
  'name',
  'category',
  'quantity',
  'unitPrice',
] as const;
const ORDER_FIELDS = ['externalOrderId', 'customerId', 'email', 'phone', 'identifierType', 'identifier', 'currency', 'channel', 'occurredAt', 'lines'];
const LINE_FIELDS = ['sku', 'name', 'category', 'quantity', 'unitPrice'];
const CSV_COLUMNS: ReadonlySet<string> = new Set(PURCHASE_CSV_COLUMNS);
const IDENTIFIER_TYPES = ['wechat_openid', 'wechat_unionid', 'weibo_id', 'external'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CURRENCY = /^[A-Z]{3}$/;
const CHANNEL = /^[a-z][a-z0-9_-]{0,39}$/;
const MONEY = /^\d{1,14}(\.\d{1,4})?$/;
const QUANTITY = /^\d{1,7}(\.\d{1,3})?$/;
/** An ISO 8601 date-time with a zone offset (as POST …/purchases requires). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Validates purchase import rows with the rules of POST /customers/{id}/purchases: a CSV row is one
 * order line, a JSON line one purchase with its lines array (the same shape as that route's body,
 * plus the customer reference). Every bad field is named; unknown columns are errors.
 */
export class PurchaseRowValidator {
  private readonly contacts = new ContactNormaliser();

  /** One CSV row: an order line with its order's fields. */
  csvRow(raw: Record<string, unknown>): PurchaseRowResult {
    const errors: FieldError[] = [];
    for (const key in raw) if (!CSV_COLUMNS.has(key)) errors.push({ field: key, message: `unknown column ${key}` });
    const order = this.order(raw, errors);
    const line = this.line(raw, '', errors);
    if (errors.length > 0 || !order || !line) return { rows: null, errors, externalOrderId: order?.externalOrderId ?? textOf(raw['externalOrderId']) };
    return { rows: [{ ...order, ...line }], errors: [], externalOrderId: order.externalOrderId };
  }

  /** One JSON line: a purchase with its lines. */
  jsonPurchase(raw: Record<string, unknown>): PurchaseRowResult {
    const errors: FieldError[] = [];
    for (const key in raw) if (!ORDER_FIELDS.includes(key)) errors.push({ field: key, message: `unknown field ${key}` });
    const order = this.order(raw, errors);
    const lines = raw['lines'];
    const rows: PurchaseLineRow[] = [];
    if (!Array.isArray(lines) || lines.length < 1 || lines.length > 500) {
      errors.push({ field: 'lines', message: 'lines must be an array of 1 to 500 order lines' });
    } else {
      lines.forEach((value, i) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          errors.push({ field: `lines[${i}]`, message: 'an order line is an object' });
          return;
        }
        const record = value as Record<string, unknown>;
        for (const key in record) if (!LINE_FIELDS.includes(key)) errors.push({ field: `lines[${i}].${key}`, message: `unknown field ${key}` });
        const line = this.line(record, `lines[${i}].`, errors);
        if (line && order) rows.push({ ...order, ...line });
      });
    }
    if (errors.length > 0 || !order) return { rows: null, errors, externalOrderId: order?.externalOrderId ?? textOf(raw['externalOrderId']) };
    return { rows, errors: [], externalOrderId: order.externalOrderId };
  }

  private order(raw: Record<string, unknown>, errors: FieldError[]): Omit<PurchaseLineRow, 'sku' | 'name' | 'category' | 'quantity' | 'unitPrice'> | null {
    const before = errors.length;
    const text = stringReader(raw, '', errors);
    const externalOrderId = text('externalOrderId', 200, true);
    const customerId = text('customerId', 36);
    if (customerId !== null && !UUID.test(customerId)) errors.push({ field: 'customerId', message: 'customerId must be a UUID' });
    const rawEmail = text('email', 254);
    const email = rawEmail === null ? null : this.contacts.email(rawEmail);
    if (email !== null && !EMAIL.test(email)) errors.push({ field: 'email', message: 'email must be an email address' });
    const rawPhone = text('phone', 40);
    const phone = rawPhone === null ? null : (this.contacts.phone(rawPhone, 'phone', errors) ?? null);
    const identifierType = text('identifierType', 40);
    const identifier = text('identifier', 200);
    if ((identifierType === null) !== (identifier === null)) {
      errors.push({ field: identifierType === null ? 'identifierType' : 'identifier', message: 'identifierType and identifier go together' });
    } else if (identifierType !== null && !IDENTIFIER_TYPES.includes(identifierType)) {
      errors.push({ field: 'identifierType', message: `identifierType must be one of ${IDENTIFIER_TYPES.join(', ')}` });
    }
    const references = [customerId, email, rawPhone, identifier].filter((v) => v !== null).length;
    if (references !== 1) {
      errors.push({ field: 'customerId', message: 'name the customer by exactly one of customerId, email, phone or identifierType + identifier' });
    }
    const currency = text('currency', 3, true);
    if (currency !== null && !CURRENCY.test(currency)) errors.push({ field: 'currency', message: 'currency must be an ISO 4217 code such as CNY' });
    const channel = text('channel', 40);
    if (channel !== null && !CHANNEL.test(channel)) errors.push({ field: 'channel', message: 'channel must be a lower-case word such as store or web' });
    const rawTime = text('occurredAt', 40, true);
    let occurredAt: string | null = null;
    if (rawTime !== null) {
      const time = Date.parse(rawTime);
      if (!ISO_TIME.test(rawTime) || Number.isNaN(time)) errors.push({ field: 'occurredAt', message: 'occurredAt must be an ISO 8601 date-time with a time zone offset' });
      else occurredAt = new Date(time).toISOString();
    }
    if (errors.length > before || externalOrderId === null || currency === null || occurredAt === null) return null;
    return { externalOrderId, customerId: customerId?.toLowerCase() ?? null, email, phone, identifierType, identifier, currency, channel, occurredAt };
  }

  private line(raw: Record<string, unknown>, prefix: string, errors: FieldError[]): Pick<PurchaseLineRow, 'sku' | 'name' | 'category' | 'quantity' | 'unitPrice'> | null {
    const before = errors.length;
    const text = stringReader(raw, prefix, errors);
    const sku = text('sku', 100, true);
    const name = text('name', 200);
    const category = text('category', 100);
    const quantity = decimal(raw['quantity'], QUANTITY);
    if (quantity === null || Number(quantity) <= 0 || Number(quantity) > 1_000_000) {
      errors.push({ field: `${prefix}quantity`, message: 'quantity must be a positive number (at most 1000000, 3 decimals)' });
    }
    const unitPrice = decimal(raw['unitPrice'], MONEY);
    if (unitPrice === null) errors.push({ field: `${prefix}unitPrice`, message: 'unitPrice must be a non-negative decimal amount with at most 4 decimals' });
    if (errors.length > before || sku === null || quantity === null || unitPrice === null) return null;
    return { sku, name, category, quantity, unitPrice };
  }
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 200) : null;
}

/** A number (JSON) or a decimal string (CSV) matching the pattern, as a string; null when it does not. */
function decimal(value: unknown, pattern: RegExp): string | null {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : null;
  return text !== null && pattern.test(text) ? text : null;
}

function stringReader(raw: Record<string, unknown>, prefix: string, errors: FieldError[]) {
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
