import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  CustomerCreatedV1,
  CustomerErasedV1,
  PurchaseRecordedV1,
  PurchaseRefundedV1,
  Topics,
  toBinaryMode,
  type EventEnvelope,
} from '@rapport/contracts';

/** Test data for loyalty: customer, purchase, refund and erasure events as customer-profile publishes them. */

/** customer.created as customer-profile publishes it (keyed by the customer); opens the member account. */
export function customerCreated(
  customerId: string = randomUUID(),
  options: { kind?: 'person' | 'organisation'; contactFingerprints?: string[] } = {},
): EventEnvelope {
  return createEnvelope(CustomerCreatedV1, customerId, {
    customerId,
    kind: options.kind ?? 'person',
    createdAt: new Date().toISOString(),
    ...(options.contactFingerprints ? { contactFingerprints: options.contactFingerprints } : {}),
  });
}

export function purchaseRecorded(
  customerId: string,
  totalBase: string,
  options: { purchaseId?: string; occurredAt?: Date; firstPurchase?: boolean; category?: string } = {},
): EventEnvelope {
  return createEnvelope(PurchaseRecordedV1, customerId, {
    purchaseId: options.purchaseId ?? randomUUID(),
    customerId,
    externalOrderId: `order-${randomUUID().slice(0, 8)}`,
    currency: 'CNY',
    total: totalBase,
    baseCurrency: 'CNY',
    totalBase,
    lines: [
      {
        sku: 'sku-1',
        quantity: 1,
        unitPrice: totalBase,
        lineTotal: totalBase,
        ...(options.category ? { category: options.category } : {}),
      },
    ],
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    firstPurchase: options.firstPurchase ?? false,
  });
}

export function purchaseRefunded(
  customerId: string,
  purchaseId: string,
  amountBase: string,
  fraction: number,
  refundId = randomUUID(),
): EventEnvelope {
  return createEnvelope(PurchaseRefundedV1, customerId, {
    refundId,
    purchaseId,
    customerId,
    currency: 'CNY',
    amount: amountBase,
    baseCurrency: 'CNY',
    amountBase,
    fraction,
    occurredAt: new Date().toISOString(),
  });
}

export function customerErased(customerId: string): EventEnvelope {
  return createEnvelope(CustomerErasedV1, customerId, { customerId, erasedAt: new Date().toISOString() });
}

export function purchaseRecord(event: EventEnvelope) {
  return { topic: Topics.purchases.name, ...toBinaryMode(event) };
}

export function customerRecord(event: EventEnvelope) {
  return { topic: Topics.customers.name, ...toBinaryMode(event) };
}

export const monthsAgo = (months: number, plusMs = 0) => {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() - months);
  return new Date(d.getTime() + plusMs);
};
