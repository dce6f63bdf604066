import { randomUUID } from 'node:crypto';
import { createEnvelope, PurchaseRecordedV1, PurchaseRefundedV1 } from '@rapport/contracts';

/** A line of a purchase: its category (none when absent) and its total in the base currency. */
export interface LineSpec {
  category?: string;
  total: string;
}

/**
 * customer-profile's purchase.recorded with a channel, categorised lines and a time of its own, totals
 * in CNY as the base currency (the purchase total is the sum of its lines).
 */
export const purchaseWithLines = (
  customerId: string,
  occurredAt: string,
  channel: string | undefined,
  lines: readonly LineSpec[],
  purchaseId: string = randomUUID(),
) => {
  const cents = lines.reduce((sum, line) => sum + Math.round(Number(line.total) * 100), 0);
  const total = (cents / 100).toFixed(2);
  return createEnvelope(PurchaseRecordedV1, customerId, {
    purchaseId,
    customerId,
    externalOrderId: `ORD-${purchaseId.slice(0, 8)}`,
    ...(channel !== undefined ? { channel } : {}),
    currency: 'CNY',
    total,
    baseCurrency: 'CNY',
    totalBase: total,
    lines: lines.map((line, i) => ({
      sku: `SKU-${i}`,
      ...(line.category !== undefined ? { category: line.category } : {}),
      quantity: 1,
      unitPrice: line.total,
      lineTotal: line.total,
    })),
    occurredAt: new Date(occurredAt).toISOString(),
    firstPurchase: false,
  });
};

/** customer-profile's purchase.refunded at a given time; `fraction` of the purchase's total. */
export const refundAt = (
  customerId: string,
  purchaseId: string,
  amountBase: string,
  occurredAt: string,
  fraction = 1,
) =>
  createEnvelope(PurchaseRefundedV1, customerId, {
    refundId: randomUUID(),
    purchaseId,
    customerId,
    currency: 'CNY',
    amount: amountBase,
    baseCurrency: 'CNY',
    amountBase,
    fraction,
    occurredAt: new Date(occurredAt).toISOString(),
  });
