import { PURCHASE_LIMITS } from '@rapport/contracts';
import type { FieldError } from '@rapport/platform-http';
import { ContactNormaliser } from '../customers/contact-normaliser';
import {
  readPurchaseLine,
  readPurchaseOrder,
  stringReader,
  type PurchaseLineInput,
  type PurchaseOrderInput,
} from '../purchases/purchase-input';

/** How an imported purchase names its customer: by id, or by a normalised email, phone or identifier. */
export interface CustomerReference {
  customerId: string | null;
  email: string | null;
  phone: string | null;
  identifierType: string | null;
  identifier: string | null;
}

/** One order line ready for the staging table, with the order it belongs to. */
export interface PurchaseLineRow extends CustomerReference, PurchaseOrderInput, PurchaseLineInput {}

export type PurchaseRowResult =
  | { rows: PurchaseLineRow[]; errors: []; externalOrderId: string }
  | { rows: null; errors: FieldError[]; externalOrderId: string | null };

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
const ORDER_FIELDS = [
  'externalOrderId',
  'customerId',
  'email',
  'phone',
  'identifierType',
  'identifier',
  'currency',
  'channel',
  'occurredAt',
  'lines',
];
const LINE_FIELDS = ['sku', 'name', 'category', 'quantity', 'unitPrice'];
const CSV_COLUMNS: ReadonlySet<string> = new Set(PURCHASE_CSV_COLUMNS);
const IDENTIFIER_TYPES = ['wechat_openid', 'wechat_unionid', 'weibo_id', 'external'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

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
    const line = readPurchaseLine(raw, '', errors);
    if (errors.length > 0 || !order || !line)
      return { rows: null, errors, externalOrderId: order?.externalOrderId ?? textOf(raw['externalOrderId']) };
    return { rows: [{ ...order, ...line }], errors: [], externalOrderId: order.externalOrderId };
  }

  /** One JSON line: a purchase with its lines. */
  jsonPurchase(raw: Record<string, unknown>): PurchaseRowResult {
    const errors: FieldError[] = [];
    for (const key in raw)
      if (!ORDER_FIELDS.includes(key)) errors.push({ field: key, message: `unknown field ${key}` });
    const order = this.order(raw, errors);
    const lines = raw['lines'];
    const rows: PurchaseLineRow[] = [];
    if (!Array.isArray(lines) || lines.length < 1 || lines.length > PURCHASE_LIMITS.maxLines) {
      errors.push({
        field: 'lines',
        message: `lines must be an array of 1 to ${PURCHASE_LIMITS.maxLines} order lines`,
      });
    } else {
      lines.forEach((value, i) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          errors.push({ field: `lines[${i}]`, message: 'an order line is an object' });
          return;
        }
        const record = value as Record<string, unknown>;
        for (const key in record)
          if (!LINE_FIELDS.includes(key)) errors.push({ field: `lines[${i}].${key}`, message: `unknown field ${key}` });
        const line = readPurchaseLine(record, `lines[${i}].`, errors);
        if (line && order) rows.push({ ...order, ...line });
      });
    }
    if (errors.length > 0 || !order)
      return { rows: null, errors, externalOrderId: order?.externalOrderId ?? textOf(raw['externalOrderId']) };
    return { rows, errors: [], externalOrderId: order.externalOrderId };
  }

  /** The order's fields: its customer reference here, the rest as every purchase reads them. */
  private order(raw: Record<string, unknown>, errors: FieldError[]): (CustomerReference & PurchaseOrderInput) | null {
    const before = errors.length;
    const reference = this.reference(raw, errors);
    const order = readPurchaseOrder(raw, errors);
    if (errors.length > before || !order) return null;
    return { ...order, ...reference };
  }

  private reference(raw: Record<string, unknown>, errors: FieldError[]): CustomerReference {
    const text = stringReader(raw, '', errors);
    const customerId = text('customerId', 36);
    if (customerId !== null && !UUID.test(customerId))
      errors.push({ field: 'customerId', message: 'customerId must be a UUID' });
    const rawEmail = text('email', 254);
    const email = rawEmail === null ? null : this.contacts.email(rawEmail);
    if (email !== null && !EMAIL.test(email))
      errors.push({ field: 'email', message: 'email must be an email address' });
    const rawPhone = text('phone', 40);
    const phone = rawPhone === null ? null : (this.contacts.phone(rawPhone, 'phone', errors) ?? null);
    const identifierType = text('identifierType', 40);
    const identifier = text('identifier', 200);
    if ((identifierType === null) !== (identifier === null)) {
      errors.push({
        field: identifierType === null ? 'identifierType' : 'identifier',
        message: 'identifierType and identifier go together',
      });
    } else if (identifierType !== null && !IDENTIFIER_TYPES.includes(identifierType)) {
      errors.push({ field: 'identifierType', message: `identifierType must be one of ${IDENTIFIER_TYPES.join(', ')}` });
    }
    const references = [customerId, email, rawPhone, identifier].filter((v) => v !== null).length;
    if (references !== 1) {
      errors.push({
        field: 'customerId',
        message: 'name the customer by exactly one of customerId, email, phone or identifierType + identifier',
      });
    }
    return { customerId: customerId?.toLowerCase() ?? null, email, phone, identifierType, identifier };
  }
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 200) : null;
}
