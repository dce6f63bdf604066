import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  PurchaseRecordedV1,
  PurchaseRefundedV1,
  Topics,
  toBinaryMode,
  type EventEnvelope,
} from '@rapport/contracts';
import type { RecordProducer } from '@rapport/platform-messaging';

/** customer-profile's purchase.recorded as it publishes it: keyed by the customer, totals in CNY as the base currency. */
export const purchaseRecorded = (
  customerId: string,
  totalBase: string,
  occurredAt: Date = new Date(),
  purchaseId: string = randomUUID(),
) =>
  createEnvelope(PurchaseRecordedV1, customerId, {
    purchaseId,
    customerId,
    externalOrderId: `ORD-${purchaseId.slice(0, 8)}`,
    channel: 'web',
    currency: 'CNY',
    total: totalBase,
    baseCurrency: 'CNY',
    totalBase,
    lines: [{ sku: 'SKU-1', quantity: 1, unitPrice: totalBase, lineTotal: totalBase }],
    occurredAt: occurredAt.toISOString(),
    firstPurchase: false,
  });

export const purchaseRefunded = (customerId: string, purchaseId: string, amountBase: string, fraction = 1) =>
  createEnvelope(PurchaseRefundedV1, customerId, {
    refundId: randomUUID(),
    purchaseId,
    customerId,
    currency: 'CNY',
    amount: amountBase,
    baseCurrency: 'CNY',
    amountBase,
    fraction,
    occurredAt: new Date().toISOString(),
  });

/** Publishes customer-profile's purchase events on their stream, as its outbox relay does. */
export async function publishPurchaseEvents(producer: RecordProducer, ...events: EventEnvelope[]): Promise<void> {
  await producer.send(events.map((event) => ({ topic: Topics.purchases.name, ...toBinaryMode(event) })));
}

/** purchase.recorded of one basket: a line of 10.00 CNY per SKU, at `occurredAt`. */
export const basketRecorded = (customerId: string, skus: readonly string[], occurredAt: Date) => {
  const event = purchaseRecorded(customerId, (10 * skus.length).toFixed(2), occurredAt);
  return {
    ...event,
    data: {
      ...event.data,
      lines: skus.map((sku) => ({ sku, quantity: 1, unitPrice: '10.00', lineTotal: '10.00', category: 'tea' })),
    },
  };
};
