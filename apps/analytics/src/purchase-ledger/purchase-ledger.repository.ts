import { Injectable } from '@nestjs/common';
import type { EventData, PurchaseRecordedV1, PurchaseRefundedV1 } from '@rapport/contracts';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * SQL for a ledger purchase's UTC day (days since the epoch, as clv.model's utcDay): the models count a
 * customer's purchases on one day as one transaction. date_part's float8 seconds, not extract's numeric:
 * exact for whole days (a microsecond before midnight is still the day before) and about a third
 * cheaper per row over millions of purchases.
 */
export const PURCHASE_DAY_SQL = `floor(date_part('epoch', occurred_at) / 86400)::int`;

export type RecordedPurchase = EventData<typeof PurchaseRecordedV1>;
export type RecordedRefund = EventData<typeof PurchaseRefundedV1>;

export interface LedgerPurchase {
  purchaseId: string;
  occurredAt: Date;
  channel: string | null;
  totalBase: string;
  refundedBase: string;
  lines: Array<{ sku: string; category: string | null; quantity: string; lineTotalBase: string }>;
}

/**
 * The purchase ledger: every purchase with its lines and refunds, in the base currency, under the
 * customer id it counts for (a merged-away id's purchases count for the survivor). Written inside the
 * inbox transaction of purchase.recorded / purchase.refunded, so each is recorded once.
 */
@Injectable()
export class PurchaseLedgerRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * A line's base-currency total is its share of the purchase's base total (lineTotal / total), so the
   * lines of a purchase add up to its base total up to rounding. Returns false for a purchase already
   * recorded.
   */
  async record(manager: EntityManager, customerId: string, purchase: RecordedPurchase): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO analytics.purchases (purchase_id, customer_id, occurred_at, channel, total_base)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (purchase_id) DO NOTHING
       RETURNING purchase_id`,
      [purchase.purchaseId, customerId, purchase.occurredAt, purchase.channel ?? null, purchase.totalBase],
    );
    if (inserted.length === 0) return false;
    await manager.query(
      `INSERT INTO analytics.purchase_lines (purchase_id, line_no, sku, category, quantity, line_total_base)
       SELECT $1, e.n - 1, e.line->>'sku', e.line->>'category', (e.line->>'quantity')::numeric,
              CASE WHEN $3::numeric = 0 THEN 0
                   ELSE round((e.line->>'lineTotal')::numeric * $4::numeric / $3::numeric, 4) END
       FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(line, n)`,
      [purchase.purchaseId, JSON.stringify(purchase.lines), purchase.total, purchase.totalBase],
    );
    return true;
  }

  /** A refund of a purchase the ledger has not seen (an older history) is still kept with its amount. */
  async recordRefund(manager: EntityManager, customerId: string, refund: RecordedRefund): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO analytics.purchase_refunds (refund_id, purchase_id, customer_id, amount_base, occurred_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (refund_id) DO NOTHING
       RETURNING refund_id`,
      [refund.refundId, refund.purchaseId, customerId, refund.amountBase, refund.occurredAt],
    );
    if (inserted.length === 0) return false;
    await manager.query(
      `UPDATE analytics.purchases SET refunded_base = least(total_base, refunded_base + $2::numeric)
       WHERE purchase_id = $1`,
      [refund.purchaseId, refund.amountBase],
    );
    return true;
  }

  /** A customer's purchases, newest first, with their lines (the export of the customer's data). */
  async forCustomer(customerId: string): Promise<LedgerPurchase[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT p.purchase_id, p.occurred_at, p.channel, p.total_base::text AS total_base,
              p.refunded_base::text AS refunded_base,
              coalesce((SELECT jsonb_agg(jsonb_build_object('sku', l.sku, 'category', l.category,
                                 'quantity', l.quantity::text, 'lineTotalBase', l.line_total_base::text)
                                 ORDER BY l.line_no)
                        FROM analytics.purchase_lines l WHERE l.purchase_id = p.purchase_id), '[]') AS lines
       FROM analytics.purchases p WHERE p.customer_id = $1
       ORDER BY p.occurred_at DESC, p.purchase_id`,
      [customerId],
    );
    return rows.map((row) => ({
      purchaseId: row['purchase_id'] as string,
      occurredAt: row['occurred_at'] as Date,
      channel: (row['channel'] as string | null) ?? null,
      totalBase: row['total_base'] as string,
      refundedBase: row['refunded_base'] as string,
      lines: row['lines'] as LedgerPurchase['lines'],
    }));
  }

  /** On a merge the merged id's purchases and refunds count for the survivor. */
  async rekey(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(`UPDATE analytics.purchases SET customer_id = $2 WHERE customer_id = $1`, [
      mergedId,
      survivorId,
    ]);
    await manager.query(`UPDATE analytics.purchase_refunds SET customer_id = $2 WHERE customer_id = $1`, [
      mergedId,
      survivorId,
    ]);
  }

  /**
   * An erased customer's purchases stay, under a new random id that links to nothing: they carry no
   * personal data once unlinked, and revenue, forecasts and recommendations must not change with an
   * erasure (customer-profile keeps the same orders). Returns how many purchases were kept.
   */
  async anonymise(manager: EntityManager, customerId: string): Promise<number> {
    const [{ id }] = await manager.query(`SELECT gen_random_uuid() AS id`);
    const [, purchases]: [unknown[], number] = await manager.query(
      `UPDATE analytics.purchases SET customer_id = $2 WHERE customer_id = $1`,
      [customerId, id],
    );
    await manager.query(`UPDATE analytics.purchase_refunds SET customer_id = $2 WHERE customer_id = $1`, [
      customerId,
      id,
    ]);
    return purchases;
  }
}
