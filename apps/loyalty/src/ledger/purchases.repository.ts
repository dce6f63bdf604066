import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { parseDecimal } from './money';

export interface PurchaseRecord {
  purchaseId: string;
  customerId: string;
  /** Decimal string in the base currency. */
  totalBase: string;
  pointsEarned: number;
  occurredAt: string;
}

/** A recorded purchase as a refund sees it: money as scaled integers. */
export interface LockedPurchase {
  customerId: string;
  totalBase: bigint;
  refundedBase: bigint;
  pointsEarned: number;
  pointsReversed: number;
}

export interface RefundRecord {
  refundId: string;
  purchaseId: string;
  customerId: string;
  amountBase: string;
  points: number;
  shortfall: number;
  occurredAt: string;
}

/** Net spend (scaled money) and net points in a qualification window. */
export interface QualificationWindow {
  spend: bigint;
  points: number;
}

/** Numbers come back from numeric and bigint columns as strings. */
interface LockedPurchaseRow {
  customer_id: string;
  total_base: string;
  refunded_base: string;
  points_earned: string | number;
  points_reversed: string | number;
}

interface WindowRow {
  spend: string;
  points: string | number;
}

const toLockedPurchase = (row: LockedPurchaseRow): LockedPurchase => ({
  customerId: row.customer_id,
  totalBase: parseDecimal(row.total_base),
  refundedBase: parseDecimal(row.refunded_base),
  pointsEarned: Number(row.points_earned),
  pointsReversed: Number(row.points_reversed),
});

const toWindow = (row: WindowRow): QualificationWindow => ({
  spend: parseDecimal(row.spend),
  points: Number(row.points),
});

/** The only SQL of the purchases and refunds loyalty earned on (exactly once per purchase and refund id). */
@Injectable()
export class PurchasesRepository {
  /** Which of these purchases were already recorded (earning is exactly-once per purchase id). */
  async recorded(manager: EntityManager, purchaseIds: readonly string[]): Promise<Set<string>> {
    const rows: Array<{ purchase_id: string }> = await manager.query(
      `SELECT purchase_id FROM loyalty.purchases WHERE purchase_id = ANY($1::uuid[])`,
      [purchaseIds],
    );
    return new Set(rows.map((r) => r.purchase_id));
  }

  async insert(manager: EntityManager, purchases: readonly PurchaseRecord[]): Promise<void> {
    if (purchases.length === 0) return;
    await manager.query(
      `INSERT INTO loyalty.purchases (purchase_id, customer_id, total_base, points_earned, occurred_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::numeric[], $4::bigint[], $5::timestamptz[])`,
      [
        purchases.map((p) => p.purchaseId),
        purchases.map((p) => p.customerId),
        purchases.map((p) => p.totalBase),
        purchases.map((p) => p.pointsEarned),
        purchases.map((p) => p.occurredAt),
      ],
    );
  }

  /** Whose account the purchase earned on (read without a lock: a refund follows it to the member, then locks). */
  async ownerOf(manager: EntityManager, purchaseId: string): Promise<string | undefined> {
    const [row]: Array<{ customer_id: string }> = await manager.query(
      `SELECT customer_id FROM loyalty.purchases WHERE purchase_id = $1`,
      [purchaseId],
    );
    return row?.customer_id;
  }

  /**
   * A merge: the merged-away customer's purchases and refunds become the survivor's, so they count in
   * its qualification window and a later refund of one debits the survivor.
   */
  async rekey(manager: EntityManager, fromId: string, toId: string): Promise<void> {
    await manager.query(`UPDATE loyalty.purchases SET customer_id = $2 WHERE customer_id = $1`, [fromId, toId]);
    await manager.query(`UPDATE loyalty.refunds SET customer_id = $2 WHERE customer_id = $1`, [fromId, toId]);
  }

  async lock(manager: EntityManager, purchaseId: string): Promise<LockedPurchase | undefined> {
    const [row]: LockedPurchaseRow[] = await manager.query(
      `SELECT customer_id, total_base::text AS total_base, refunded_base::text AS refunded_base, points_earned, points_reversed
       FROM loyalty.purchases WHERE purchase_id = $1 FOR UPDATE`,
      [purchaseId],
    );
    return row ? toLockedPurchase(row) : undefined;
  }

  async hasAny(manager: EntityManager, customerId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM loyalty.purchases WHERE customer_id = $1 LIMIT 1`, [
      customerId,
    ]);
    return rows.length > 0;
  }

  /** Net spend and points of the recorded purchases in each window (since, until], one answer per window, in order. */
  async qualificationWindows(
    manager: EntityManager,
    windows: ReadonlyArray<{ customerId: string; since: Date; until: Date }>,
  ): Promise<QualificationWindow[]> {
    const rows: WindowRow[] = await manager.query(
      `SELECT coalesce(sum(p.total_base - p.refunded_base), 0)::numeric(19,4)::text AS spend, coalesce(sum(p.points_earned - p.points_reversed), 0) AS points
       FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS w(customer_id, since, until, ord)
       LEFT JOIN loyalty.purchases p ON p.customer_id = w.customer_id AND p.occurred_at > w.since AND p.occurred_at <= w.until
       GROUP BY w.ord ORDER BY w.ord`,
      [windows.map((w) => w.customerId), windows.map((w) => w.since), windows.map((w) => w.until)],
    );
    return rows.map(toWindow);
  }

  /** Net spend (scaled money) and net points from purchases in the rolling window (since, until]. */
  async qualificationWindow(
    manager: EntityManager,
    customerId: string,
    since: Date,
    until: Date,
  ): Promise<QualificationWindow> {
    const [row]: WindowRow[] = await manager.query(
      `SELECT coalesce(sum(total_base - refunded_base), 0)::numeric(19,4)::text AS spend, coalesce(sum(points_earned - points_reversed), 0) AS points
       FROM loyalty.purchases WHERE customer_id = $1 AND occurred_at > $2 AND occurred_at <= $3`,
      [customerId, since, until],
    );
    return toWindow(row!);
  }

  async refundSeen(manager: EntityManager, refundId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM loyalty.refunds WHERE refund_id = $1`, [refundId]);
    return rows.length > 0;
  }

  async insertRefund(manager: EntityManager, refund: RefundRecord): Promise<void> {
    await manager.query(
      `INSERT INTO loyalty.refunds (refund_id, purchase_id, customer_id, amount_base, points, shortfall, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        refund.refundId,
        refund.purchaseId,
        refund.customerId,
        refund.amountBase,
        refund.points,
        refund.shortfall,
        refund.occurredAt,
      ],
    );
  }

  async addRefund(
    manager: EntityManager,
    purchaseId: string,
    amountBase: string,
    pointsReversed: number,
  ): Promise<void> {
    await manager.query(
      `UPDATE loyalty.purchases SET refunded_base = refunded_base + $2, points_reversed = points_reversed + $3 WHERE purchase_id = $1`,
      [purchaseId, amountBase, pointsReversed],
    );
  }
}
