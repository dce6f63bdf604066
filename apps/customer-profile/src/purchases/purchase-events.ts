import { PurchaseRecordedV1 } from '@rapport/contracts';
import type { PendingEvent } from '@rapport/platform-messaging';
import { Money } from './money';

/** A purchase as it was stored: amounts as decimal strings (a column's scale or already normalised). */
export interface RecordedPurchase {
  id: string;
  customerId: string;
  externalOrderId: string;
  channel: string | null;
  currency: string;
  total: string;
  baseCurrency: string;
  totalBase: string;
  lines: { sku: string; category: string | null; quantity: string; unitPrice: string; lineTotal: string }[];
  /** ISO 8601 in UTC. */
  occurredAt: string;
  firstPurchase: boolean;
}

const money = (value: string): string => Money.parse(value).toString();

/**
 * purchase.recorded, the same whether the purchase came one by one or in an import: consumers
 * (loyalty, analytics) cannot tell the two apart.
 */
export function purchaseRecordedEvent(purchase: RecordedPurchase): PendingEvent<typeof PurchaseRecordedV1> {
  return {
    definition: PurchaseRecordedV1,
    subject: purchase.customerId,
    data: {
      purchaseId: purchase.id,
      customerId: purchase.customerId,
      externalOrderId: purchase.externalOrderId,
      ...(purchase.channel ? { channel: purchase.channel } : {}),
      currency: purchase.currency,
      total: money(purchase.total),
      baseCurrency: purchase.baseCurrency,
      totalBase: money(purchase.totalBase),
      lines: purchase.lines.map((l) => ({
        sku: l.sku,
        ...(l.category ? { category: l.category } : {}),
        quantity: Number(l.quantity),
        unitPrice: money(l.unitPrice),
        lineTotal: money(l.lineTotal),
      })),
      occurredAt: purchase.occurredAt,
      firstPurchase: purchase.firstPurchase,
    },
  };
}
