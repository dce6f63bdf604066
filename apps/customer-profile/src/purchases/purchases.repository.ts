import { Injectable } from '@nestjs/common';
import type { LifecycleStage } from '@rapport/contracts';
import type { CustomerVisibility } from '@rapport/platform-auth';
import { DataSource, type EntityManager } from 'typeorm';
import { visibilitySql } from '../shared/visibility.sql';
import type { PricedLine } from './purchase-calculator';

export interface PurchaseRow {
  id: string;
  customer_id: string;
  external_order_id: string;
  channel: string | null;
  currency: string;
  total: string;
  base_currency: string;
  rate: string;
  total_base: string;
  refunded: string;
  refunded_base: string;
  occurred_at: Date;
  recorded_at: Date;
}

export interface LineRow {
  purchase_id: string;
  line_no: number;
  sku: string;
  name: string | null;
  category: string | null;
  quantity: string;
  unit_price: string;
  line_total: string;
  refunded_quantity: string;
}

export interface RefundRow {
  id: string;
  purchase_id: string;
  customer_id: string;
  amount: string;
  amount_base: string;
  reason: string;
  created_at: Date;
}

const PURCHASE_COLUMNS = `p.id, p.customer_id, p.external_order_id, p.channel, p.currency, p.total::text, p.base_currency, p.rate::text,
  p.total_base::text, p.refunded::text, p.refunded_base::text, p.occurred_at, p.recorded_at`;

/** Numeric columns come back as text and stay exact; `::text` keeps the scale of the column. */
@Injectable()
export class PurchasesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async rate(currency: string, baseCurrency: string): Promise<string | null> {
    if (currency === baseCurrency) return '1';
    const rows: { rate: string }[] = await this.dataSource.query(
      `SELECT rate::text FROM customer_profile.exchange_rates WHERE currency = $1 AND base_currency = $2`,
      [currency, baseCurrency],
    );
    return rows[0]?.rate ?? null;
  }

  async rates(
    baseCurrency: string,
  ): Promise<{ currency: string; base_currency: string; rate: string; updated_at: Date }[]> {
    return this.dataSource.query(
      `SELECT currency, base_currency, rate::text, updated_at FROM customer_profile.exchange_rates WHERE base_currency = $1 ORDER BY currency`,
      [baseCurrency],
    );
  }

  async putRate(
    currency: string,
    baseCurrency: string,
    rate: string,
    by: string,
  ): Promise<{ currency: string; base_currency: string; rate: string; updated_at: Date }> {
    const rows = await this.dataSource.query(
      `INSERT INTO customer_profile.exchange_rates (currency, base_currency, rate, updated_by) VALUES ($1, $2, $3::numeric, $4)
       ON CONFLICT (currency, base_currency) DO UPDATE SET rate = EXCLUDED.rate, updated_at = now(), updated_by = EXCLUDED.updated_by
       RETURNING currency, base_currency, rate::text, updated_at`,
      [currency, baseCurrency, rate, by],
    );
    return rows[0];
  }

  /** Locks the customer row: purchases of one customer are serialised, so `firstPurchase` is exact. */
  async lockVisibleCustomer(
    manager: EntityManager,
    id: string,
    visibility: CustomerVisibility,
  ): Promise<{ stage: LifecycleStage } | null> {
    const params: unknown[] = [id];
    const rows: { stage: LifecycleStage }[] = await manager.query(
      `SELECT c.lifecycle_stage AS stage FROM customer_profile.customers c
        WHERE c.id = $1 AND c.erased_at IS NULL AND ${visibilitySql(visibility, params)} FOR UPDATE`,
      params,
    );
    return rows[0] ?? null;
  }

  async isVisible(id: string, visibility: CustomerVisibility): Promise<boolean> {
    const params: unknown[] = [id];
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM customer_profile.customers c WHERE c.id = $1 AND ${visibilitySql(visibility, params)}`,
      params,
    );
    return rows.length > 0;
  }

  async findByExternalId(manager: EntityManager, externalOrderId: string): Promise<PurchaseRow | null> {
    const rows: PurchaseRow[] = await manager.query(
      `SELECT ${PURCHASE_COLUMNS} FROM customer_profile.purchases p WHERE p.external_order_id = $1`,
      [externalOrderId],
    );
    return rows[0] ?? null;
  }

  async lockPurchase(manager: EntityManager, customerId: string, purchaseId: string): Promise<PurchaseRow | null> {
    const rows: PurchaseRow[] = await manager.query(
      `SELECT ${PURCHASE_COLUMNS} FROM customer_profile.purchases p WHERE p.id = $1 AND p.customer_id = $2 FOR UPDATE`,
      [purchaseId, customerId],
    );
    return rows[0] ?? null;
  }

  async purchaseCount(manager: EntityManager, customerId: string): Promise<number> {
    const rows: { n: number }[] = await manager.query(
      `SELECT purchase_count AS n FROM customer_profile.customer_purchase_summary WHERE customer_id = $1`,
      [customerId],
    );
    return rows[0]?.n ?? 0;
  }

  /** Inserts the purchase, its lines (one statement) and the running totals; null when the order id already exists. */
  async insertPurchase(
    manager: EntityManager,
    purchase: Omit<PurchaseRow, 'refunded' | 'refunded_base' | 'recorded_at' | 'occurred_at'> & {
      occurred_at: string;
      recorded_by: string;
    },
    lines: (PricedLine & { sku: string; name: string | null; category: string | null })[],
  ): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO customer_profile.purchases (id, customer_id, external_order_id, channel, currency, total, base_currency, rate, total_base, occurred_at, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6::numeric, $7, $8::numeric, $9::numeric, $10, $11)
       ON CONFLICT (external_order_id) DO NOTHING RETURNING id`,
      [
        purchase.id,
        purchase.customer_id,
        purchase.external_order_id,
        purchase.channel,
        purchase.currency,
        purchase.total,
        purchase.base_currency,
        purchase.rate,
        purchase.total_base,
        purchase.occurred_at,
        purchase.recorded_by,
      ],
    );
    if (inserted.length === 0) return false;
    await manager.query(
      `INSERT INTO customer_profile.purchase_lines (purchase_id, line_no, sku, name, category, quantity, unit_price, line_total)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::numeric[], $8::numeric[])`,
      [
        purchase.id,
        lines.map((l) => l.lineNo),
        lines.map((l) => l.sku),
        lines.map((l) => l.name),
        lines.map((l) => l.category),
        lines.map((l) => l.quantity),
        lines.map((l) => l.unitPrice),
        lines.map((l) => l.lineTotal),
      ],
    );
    await manager.query(
      `INSERT INTO customer_profile.customer_purchase_totals (customer_id, currency, purchase_count, total) VALUES ($1, $2, 1, $3::numeric)
       ON CONFLICT (customer_id, currency) DO UPDATE
         SET purchase_count = customer_purchase_totals.purchase_count + 1, total = customer_purchase_totals.total + EXCLUDED.total`,
      [purchase.customer_id, purchase.currency, purchase.total],
    );
    await manager.query(
      `INSERT INTO customer_profile.customer_purchase_summary (customer_id, base_currency, purchase_count, total_base, first_purchase_at, last_purchase_at)
       VALUES ($1, $2, 1, $3::numeric, $4, $4)
       ON CONFLICT (customer_id) DO UPDATE
         SET purchase_count = customer_purchase_summary.purchase_count + 1,
             total_base = customer_purchase_summary.total_base + EXCLUDED.total_base,
             first_purchase_at = LEAST(customer_purchase_summary.first_purchase_at, EXCLUDED.first_purchase_at),
             last_purchase_at = GREATEST(customer_purchase_summary.last_purchase_at, EXCLUDED.last_purchase_at)`,
      [purchase.customer_id, purchase.base_currency, purchase.total_base, purchase.occurred_at],
    );
    await manager.query(
      `UPDATE customer_profile.customers SET last_contact_at = GREATEST(last_contact_at, $2::timestamptz) WHERE id = $1`,
      [purchase.customer_id, purchase.occurred_at],
    );
    return true;
  }

  /**
   * Set-based: locks the customers (in id order, as one purchase locks its customer, so imports and
   * single purchases serialise per customer) and returns their stage and purchases so far.
   */
  async lockCustomersForPurchases(
    manager: EntityManager,
    ids: string[],
  ): Promise<{ id: string; stage: LifecycleStage; purchaseCount: number }[]> {
    if (ids.length === 0) return [];
    return manager.query(
      `SELECT c.id, c.lifecycle_stage AS stage, coalesce(s.purchase_count, 0)::int AS "purchaseCount"
         FROM customer_profile.customers c LEFT JOIN customer_profile.customer_purchase_summary s ON s.customer_id = c.id
        WHERE c.id = ANY($1::uuid[]) ORDER BY c.id FOR UPDATE OF c`,
      [ids],
    );
  }

  /**
   * Set-based insertPurchase for many orders: the purchases of the session's temp table
   * `import_orders` (id, customer_id, external_order_id, channel, currency, total, rate, total_base,
   * occurred_at, status = 'ok'), their lines from `import_lines` (purchase_id, line_no, sku, name,
   * category, quantity, unit_price, line_total), the running totals per currency and in the base
   * currency, and the customers' last contact. A recorded order id fails the statement (unique).
   */
  async insertStagedPurchases(manager: EntityManager, baseCurrency: string, recordedBy: string): Promise<number> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO customer_profile.purchases (id, customer_id, external_order_id, channel, currency, total, base_currency, rate, total_base, occurred_at, recorded_by)
       SELECT id, customer_id, external_order_id, channel, currency, total, $1, rate, total_base, occurred_at, $2
         FROM pg_temp.import_orders WHERE status = 'ok' ORDER BY customer_id, rank RETURNING 1`,
      [baseCurrency, recordedBy],
    );
    await manager.query(
      `INSERT INTO customer_profile.purchase_lines (purchase_id, line_no, sku, name, category, quantity, unit_price, line_total)
       SELECT purchase_id, line_no, sku, name, category, quantity, unit_price, line_total FROM pg_temp.import_lines ORDER BY purchase_id, line_no`,
    );
    await manager.query(
      `INSERT INTO customer_profile.customer_purchase_totals (customer_id, currency, purchase_count, total)
       SELECT customer_id, currency, count(*), sum(total) FROM pg_temp.import_orders WHERE status = 'ok' GROUP BY customer_id, currency
       ON CONFLICT (customer_id, currency) DO UPDATE
         SET purchase_count = customer_purchase_totals.purchase_count + EXCLUDED.purchase_count, total = customer_purchase_totals.total + EXCLUDED.total`,
    );
    await manager.query(
      `INSERT INTO customer_profile.customer_purchase_summary (customer_id, base_currency, purchase_count, total_base, first_purchase_at, last_purchase_at)
       SELECT customer_id, $1, count(*), sum(total_base), min(occurred_at), max(occurred_at) FROM pg_temp.import_orders WHERE status = 'ok' GROUP BY customer_id
       ON CONFLICT (customer_id) DO UPDATE
         SET purchase_count = customer_purchase_summary.purchase_count + EXCLUDED.purchase_count,
             total_base = customer_purchase_summary.total_base + EXCLUDED.total_base,
             first_purchase_at = LEAST(customer_purchase_summary.first_purchase_at, EXCLUDED.first_purchase_at),
             last_purchase_at = GREATEST(customer_purchase_summary.last_purchase_at, EXCLUDED.last_purchase_at)`,
      [baseCurrency],
    );
    await manager.query(
      `UPDATE customer_profile.customers c SET last_contact_at = GREATEST(c.last_contact_at, o.last)
         FROM (SELECT customer_id, max(occurred_at) AS last FROM pg_temp.import_orders WHERE status = 'ok' GROUP BY customer_id) o
        WHERE c.id = o.customer_id`,
    );
    return inserted.length;
  }

  /** Lifecycle moves of many customers at once, in order: their history rows and each customer's final stage. */
  async applyLifecycleMoves(
    manager: EntityManager,
    moves: { customerId: string; from: string; to: string; reason: string }[],
    changedAt: Date,
  ): Promise<void> {
    if (moves.length === 0) return;
    await manager.query(
      `INSERT INTO customer_profile.lifecycle_history (customer_id, from_stage, to_stage, reason, automatic, changed_by, changed_at)
       SELECT customer_id, from_stage, to_stage, reason, true, NULL, $5 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY
         AS m(customer_id, from_stage, to_stage, reason, ord) ORDER BY ord`,
      [
        moves.map((m) => m.customerId),
        moves.map((m) => m.from),
        moves.map((m) => m.to),
        moves.map((m) => m.reason),
        changedAt,
      ],
    );
    const final = new Map(moves.map((m) => [m.customerId, m.to]));
    await manager.query(
      `UPDATE customer_profile.customers c SET lifecycle_stage = f.stage, lifecycle_changed_at = $3
         FROM unnest($1::uuid[], $2::text[]) AS f(id, stage) WHERE c.id = f.id`,
      [[...final.keys()], [...final.values()], changedAt],
    );
  }

  async insertRefund(
    manager: EntityManager,
    refund: {
      id: string;
      purchase: PurchaseRow;
      amount: string;
      amountBase: string;
      lines: { lineNo: number; quantity: string }[];
      reason: string;
      by: string;
    },
  ): Promise<RefundRow> {
    const rows: RefundRow[] = await manager.query(
      `INSERT INTO customer_profile.purchase_refunds (id, purchase_id, customer_id, amount, amount_base, lines, reason, created_by)
       VALUES ($1, $2, $3, $4::numeric, $5::numeric, $6::jsonb, $7, $8)
       RETURNING id, purchase_id, customer_id, amount::text, amount_base::text, reason, created_at`,
      [
        refund.id,
        refund.purchase.id,
        refund.purchase.customer_id,
        refund.amount,
        refund.amountBase,
        refund.lines.length ? JSON.stringify(refund.lines) : null,
        refund.reason,
        refund.by,
      ],
    );
    await manager.query(
      `UPDATE customer_profile.purchases SET refunded = refunded + $2::numeric, refunded_base = refunded_base + $3::numeric WHERE id = $1`,
      [refund.purchase.id, refund.amount, refund.amountBase],
    );
    if (refund.lines.length) {
      await manager.query(
        `UPDATE customer_profile.purchase_lines l SET refunded_quantity = l.refunded_quantity + r.quantity
           FROM unnest($2::int[], $3::numeric[]) AS r(line_no, quantity) WHERE l.purchase_id = $1 AND l.line_no = r.line_no`,
        [refund.purchase.id, refund.lines.map((l) => l.lineNo), refund.lines.map((l) => l.quantity)],
      );
    }
    await manager.query(
      `UPDATE customer_profile.customer_purchase_totals SET refunded = refunded + $3::numeric WHERE customer_id = $1 AND currency = $2`,
      [refund.purchase.customer_id, refund.purchase.currency, refund.amount],
    );
    await manager.query(
      `UPDATE customer_profile.customer_purchase_summary SET refunded_base = refunded_base + $2::numeric WHERE customer_id = $1`,
      [refund.purchase.customer_id, refund.amountBase],
    );
    return rows[0]!;
  }

  async lines(manager: EntityManager | DataSource, purchaseIds: string[]): Promise<LineRow[]> {
    if (purchaseIds.length === 0) return [];
    return manager.query(
      `SELECT purchase_id, line_no, sku, name, category, quantity::text, unit_price::text, line_total::text, refunded_quantity::text
         FROM customer_profile.purchase_lines WHERE purchase_id = ANY($1::uuid[]) ORDER BY purchase_id, line_no`,
      [purchaseIds],
    );
  }

  async refunds(manager: EntityManager | DataSource, purchaseIds: string[]): Promise<RefundRow[]> {
    if (purchaseIds.length === 0) return [];
    return manager.query(
      `SELECT id, purchase_id, customer_id, amount::text, amount_base::text, reason, created_at
         FROM customer_profile.purchase_refunds WHERE purchase_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [purchaseIds],
    );
  }

  /** Keyset page, newest first: three statements whatever the page size (no N+1). */
  async page(
    customerId: string,
    limit: number,
    after: { occurredAt: string; id: string } | null,
  ): Promise<PurchaseRow[]> {
    const params: unknown[] = [customerId, limit];
    let keyset = '';
    if (after) {
      params.push(after.occurredAt, after.id);
      keyset = `AND (p.occurred_at, p.id) < ($3::timestamptz, $4::uuid)`;
    }
    return this.dataSource.query(
      `SELECT ${PURCHASE_COLUMNS} FROM customer_profile.purchases p WHERE p.customer_id = $1 ${keyset}
        ORDER BY p.occurred_at DESC, p.id DESC LIMIT $2`,
      params,
    );
  }

  async totals(customerId: string): Promise<{
    summary: {
      base_currency: string;
      purchase_count: number;
      total_base: string;
      refunded_base: string;
      first_purchase_at: Date | null;
      last_purchase_at: Date | null;
    } | null;
    byCurrency: { currency: string; purchase_count: number; total: string; refunded: string; net: string }[];
  }> {
    const summary = await this.dataSource.query(
      `SELECT base_currency, purchase_count, total_base::text, refunded_base::text, first_purchase_at, last_purchase_at
         FROM customer_profile.customer_purchase_summary WHERE customer_id = $1`,
      [customerId],
    );
    const byCurrency = await this.dataSource.query(
      `SELECT currency, purchase_count, total::text, refunded::text, (total - refunded)::text AS net
         FROM customer_profile.customer_purchase_totals WHERE customer_id = $1 ORDER BY currency`,
      [customerId],
    );
    return { summary: summary[0] ?? null, byCurrency };
  }
}
