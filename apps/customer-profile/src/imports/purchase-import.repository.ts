import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { CustomerVisibility } from '@rapport/platform-auth';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { copyRow } from '../shared/copy-text';
import { visibilitySql } from '../shared/visibility.sql';
import type { ImportRowError } from './imports.repository';
import type { PurchaseLineRow } from './purchase-row.validator';

/** A staged order ready to be recorded, with its lines; amounts as text (exact, the column's scale). */
export interface StagedPurchase {
  id: string;
  customerId: string;
  /** Its place among the customer's purchases of this import (1 = the first in the file). */
  rank: number;
  externalOrderId: string;
  channel: string | null;
  currency: string;
  total: string;
  totalBase: string;
  occurredAt: string;
  lines: { sku: string; category: string | null; quantity: string; unitPrice: string; lineTotal: string }[];
}

/** Opens the connection and transaction a purchase import runs in: its staging tables live there. */
@Injectable()
export class PurchaseImportRepository {
  constructor(private readonly dataSource: DataSource) {}

  async open(): Promise<PurchaseImportSession> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    return new PurchaseImportSession(runner, client);
  }
}

const REFERENCE_FIELD = `CASE WHEN o.customer_ref IS NOT NULL THEN 'customerId' WHEN o.email IS NOT NULL THEN 'email' WHEN o.phone IS NOT NULL THEN 'phone' ELSE 'identifier' END`;

/**
 * One purchase import, one transaction. Its order lines are `COPY`-ed into `purchase_rows`; the
 * orders they form (`import_orders`, one row each with status ok, skipped or failed and the reason)
 * are checked set-based; the lines of good orders are priced into `import_lines`. The temp tables go
 * with the commit; PurchasesRepository.insertStagedPurchases records what is left ok.
 */
export class PurchaseImportSession {
  constructor(
    private readonly runner: QueryRunner,
    private readonly client: PoolClient,
  ) {}

  /** Queries in this import's transaction. */
  get manager(): EntityManager {
    return this.runner.manager;
  }

  async begin(): Promise<void> {
    await this.runner.startTransaction();
  }

  /** The COPY the encoded rows are piped into. */
  async copyRows(): Promise<Writable> {
    await this.client.query(`
      CREATE TEMP TABLE purchase_rows (
        row_no integer NOT NULL, seq integer NOT NULL, external_order_id text NOT NULL, customer_ref uuid, email text, phone text,
        identifier_type text, identifier text, currency text NOT NULL, channel text, occurred_at text NOT NULL,
        sku text NOT NULL, name text, category text, quantity numeric NOT NULL, unit_price numeric NOT NULL
      ) ON COMMIT DROP`);
    return this.client.query(copyFrom('COPY purchase_rows FROM STDIN'));
  }

  /** The `seq`th order line of upload line `line`, as COPY text. */
  encode(line: number, seq: number, r: PurchaseLineRow): string {
    return copyRow([
      line,
      seq,
      r.externalOrderId,
      r.customerId,
      r.email,
      r.phone,
      r.identifierType,
      r.identifier,
      r.currency,
      r.channel,
      r.occurredAt,
      r.sku,
      r.name,
      r.category,
      r.quantity,
      r.unitPrice,
    ]);
  }

  /** Orders: one row each, with what its rows say about the order (they must agree). */
  async collectOrders(): Promise<void> {
    await this.client.query(`
      CREATE TEMP TABLE import_orders ON COMMIT DROP AS
      SELECT external_order_id, min(row_no) AS first_row, count(DISTINCT row_no)::int AS row_count,
             count(DISTINCT (customer_ref, email, phone, identifier_type, identifier, currency, channel, occurred_at))::int AS variants,
             (array_agg(customer_ref ORDER BY row_no))[1] AS customer_ref, (array_agg(email ORDER BY row_no))[1] AS email,
             (array_agg(phone ORDER BY row_no))[1] AS phone, (array_agg(identifier_type ORDER BY row_no))[1] AS identifier_type,
             (array_agg(identifier ORDER BY row_no))[1] AS identifier, (array_agg(currency ORDER BY row_no))[1] AS currency,
             (array_agg(channel ORDER BY row_no))[1] AS channel, (array_agg(occurred_at ORDER BY row_no))[1] AS occurred_at_text,
             (array_agg(occurred_at ORDER BY row_no))[1]::timestamptz AS occurred_at,
             'ok'::text AS status, NULL::text AS error_field, NULL::text AS error_message,
             NULL::uuid AS customer_id, NULL::int AS matches, NULL::numeric AS rate, gen_random_uuid() AS id,
             NULL::numeric AS total, NULL::numeric AS total_base, NULL::int AS rank
        FROM purchase_rows GROUP BY external_order_id`);
    await this.client.query(`ALTER TABLE import_orders ADD PRIMARY KEY (external_order_id)`);
    await this.client.query(`ANALYZE import_orders`);
  }

  /** No partial orders: an order with a bad row is not imported at all. */
  async refuseOrdersWithBadRows(externalOrderIds: string[]): Promise<void> {
    await this.fail(
      `o.external_order_id = ANY($1::text[])`,
      `NULL`,
      `'order ' || o.external_order_id || ' has rows with errors: none of its rows is imported'`,
      [externalOrderIds],
    );
  }

  async refuseDisagreeingOrders(): Promise<void> {
    await this.fail(
      `o.variants > 1`,
      `'externalOrderId'`,
      `'the rows of order ' || o.external_order_id || ' disagree on the customer, currency, channel or occurredAt'`,
    );
  }

  /** JSON lines: a purchase is one line, so an order id on two lines is a mistake. */
  async refuseOrdersOnSeveralLines(): Promise<void> {
    await this.fail(
      `o.row_count > 1`,
      `'externalOrderId'`,
      `'order ' || o.external_order_id || ' appears on more than one line'`,
    );
  }

  /** Customers, among those the caller may see: by id, or by exactly one match of email, phone or identifier. */
  async resolveCustomers(visibility: CustomerVisibility): Promise<void> {
    const params: unknown[] = [];
    const visible = () => visibilitySql(visibility, params, 'c');
    await this.client.query('SET LOCAL enable_seqscan = off'); // fresh statistics may be missing right after a bulk import
    await this.client.query(
      `WITH m AS (
         SELECT o.external_order_id, c.id FROM import_orders o JOIN customer_profile.customers c ON c.id = o.customer_ref
          WHERE c.erased_at IS NULL AND ${visible()}
         UNION ALL
         SELECT o.external_order_id, c.id FROM import_orders o JOIN customer_profile.customers c ON c.emails @> ARRAY[o.email]
          WHERE o.email IS NOT NULL AND c.erased_at IS NULL AND c.merged_into IS NULL AND ${visible()}
         UNION ALL
         SELECT o.external_order_id, c.id FROM import_orders o JOIN customer_profile.customers c ON c.phones @> ARRAY[o.phone]
          WHERE o.phone IS NOT NULL AND c.erased_at IS NULL AND c.merged_into IS NULL AND ${visible()}
         UNION ALL
         SELECT o.external_order_id, c.id FROM import_orders o
           JOIN customer_profile.customer_identifiers i ON i.type = o.identifier_type AND i.value = o.identifier
           JOIN customer_profile.customers c ON c.id = i.customer_id
          WHERE c.erased_at IS NULL AND c.merged_into IS NULL AND ${visible()}
       ), g AS (SELECT external_order_id, count(DISTINCT id)::int AS n, min(id::text)::uuid AS id FROM m GROUP BY external_order_id)
       UPDATE import_orders o SET customer_id = CASE WHEN g.n = 1 THEN g.id END, matches = g.n FROM g WHERE g.external_order_id = o.external_order_id`,
      params,
    );
    await this.client.query('SET LOCAL enable_seqscan = on');
    await this.fail(`o.matches IS NULL`, REFERENCE_FIELD, `'no customer found for ' || ${REFERENCE_FIELD}`);
    await this.fail(
      `o.matches > 1`,
      REFERENCE_FIELD,
      `${REFERENCE_FIELD} || ' matches ' || o.matches || ' customers: name the customer by customerId'`,
    );
  }

  /** Exchange rates kept as data, as for a single purchase; a currency without one is refused. */
  async joinExchangeRates(baseCurrency: string): Promise<void> {
    await this.client.query(
      `UPDATE import_orders o SET rate = CASE WHEN o.currency = $1 THEN 1 ELSE r.rate END
         FROM (SELECT DISTINCT currency FROM import_orders) cur LEFT JOIN customer_profile.exchange_rates r ON r.currency = cur.currency AND r.base_currency = $1
        WHERE cur.currency = o.currency`,
      [baseCurrency],
    );
    await this.fail(
      `o.rate IS NULL`,
      `'currency'`,
      `'unknown currency ' || o.currency || ': no exchange rate to ' || $1::text`,
      [baseCurrency],
    );
  }

  /** External order ids are unique: an order already recorded is skipped (or refused, if it belongs to another customer). */
  async skipRecordedOrders(): Promise<void> {
    await this.client.query(
      `UPDATE import_orders o SET status = CASE WHEN p.customer_id = o.customer_id THEN 'skipped' ELSE 'failed' END,
              error_field = 'externalOrderId',
              error_message = CASE WHEN p.customer_id = o.customer_id THEN 'skipped: order ' || o.external_order_id || ' is already recorded (purchase ' || p.id || ')'
                                   ELSE 'order ' || o.external_order_id || ' is already recorded for another customer' END
         FROM customer_profile.purchases p WHERE p.external_order_id = o.external_order_id AND o.status = 'ok'`,
    );
  }

  /**
   * Lines of the orders still ok, totals in the order's currency and in the base currency: exact
   * decimals, rounded half away from zero like Money. Then each customer's orders are ranked in the
   * file's order, so firstPurchase and lifecycle moves come out as if posted one by one.
   */
  async priceAndRankOrders(): Promise<void> {
    await this.client.query(`
      CREATE TEMP TABLE import_lines ON COMMIT DROP AS
      SELECT o.id AS purchase_id, row_number() OVER (PARTITION BY o.id ORDER BY r.row_no, r.seq)::int AS line_no, r.sku, r.name, r.category,
             r.quantity, r.unit_price, round(r.unit_price * r.quantity, 4) AS line_total
        FROM purchase_rows r JOIN import_orders o USING (external_order_id) WHERE o.status = 'ok'`);
    await this.client.query(`
      UPDATE import_orders o SET total = l.total, total_base = round(l.total * o.rate, 4)
        FROM (SELECT purchase_id, sum(line_total) AS total FROM import_lines GROUP BY purchase_id) l WHERE l.purchase_id = o.id`);
    await this.client.query(`
      UPDATE import_orders o SET rank = r.rank
        FROM (SELECT external_order_id, row_number() OVER (PARTITION BY customer_id ORDER BY first_row)::int AS rank FROM import_orders WHERE status = 'ok') r
       WHERE r.external_order_id = o.external_order_id`);
  }

  async customerIds(): Promise<string[]> {
    const rows = await this.client.query<{ customer_id: string }>(
      `SELECT DISTINCT customer_id FROM import_orders WHERE status = 'ok'`,
    );
    return rows.rows.map((r) => r.customer_id);
  }

  /** How many purchases each customer gets from this import. */
  async newPurchaseCounts(): Promise<Map<string, number>> {
    const rows = await this.client.query<{ customer_id: string; n: number }>(
      `SELECT customer_id, count(*)::int AS n FROM import_orders WHERE status = 'ok' GROUP BY customer_id`,
    );
    return new Map(rows.rows.map((r) => [r.customer_id, r.n]));
  }

  /** The transaction's time, which the lifecycle moves carry. */
  async transactionTime(): Promise<Date> {
    return (await this.client.query<{ now: Date }>(`SELECT now() AS now`)).rows[0]!.now;
  }

  /** The next `limit` orders to record, by customer and rank, after `after` (keyset). */
  async purchasesAfter(after: { customerId: string; rank: number } | null, limit: number): Promise<StagedPurchase[]> {
    const rows = await this.client.query<StagedPurchase>(
      `SELECT o.id, o.customer_id AS "customerId", o.rank, o.external_order_id AS "externalOrderId", o.channel, o.currency, o.total::text,
              o.total_base::text AS "totalBase", o.occurred_at_text AS "occurredAt",
              (SELECT json_agg(json_build_object('sku', l.sku, 'category', l.category, 'quantity', l.quantity::text, 'unitPrice', l.unit_price::text,
                                                 'lineTotal', l.line_total::text) ORDER BY l.line_no)
                 FROM import_lines l WHERE l.purchase_id = o.id) AS lines
         FROM import_orders o
        WHERE o.status = 'ok' AND ($1::uuid IS NULL OR (o.customer_id, o.rank) > ($1::uuid, $2::int))
        ORDER BY o.customer_id, o.rank LIMIT $3`,
      [after?.customerId ?? null, after?.rank ?? 0, limit],
    );
    return rows.rows;
  }

  /** The report: every row of an order not imported, with its reason. */
  async orderErrors(): Promise<ImportRowError[]> {
    const rows = await this.client.query<ImportRowError>(
      `SELECT DISTINCT r.row_no AS line, o.error_field AS field, o.error_message AS message FROM import_orders o JOIN purchase_rows r USING (external_order_id)
        WHERE o.status <> 'ok' ORDER BY r.row_no`,
    );
    return rows.rows;
  }

  /** Upload lines of orders imported, and of orders skipped as already recorded. */
  async rowCounts(): Promise<{ imported: number; skipped: number }> {
    const rows = await this.client.query<{ imported: number; skipped: number }>(
      `SELECT coalesce(sum(row_count) FILTER (WHERE status = 'ok'), 0)::int AS imported, coalesce(sum(row_count) FILTER (WHERE status = 'skipped'), 0)::int AS skipped
         FROM import_orders`,
    );
    return rows.rows[0]!;
  }

  async commit(): Promise<void> {
    await this.runner.commitTransaction();
  }

  async rollback(): Promise<void> {
    if (this.runner.isTransactionActive) await this.runner.rollbackTransaction().catch(() => undefined);
  }

  async release(): Promise<void> {
    await this.runner.release();
  }

  /** Marks the orders still ok that match `where` as failed, with the field and message (SQL expressions over `o`). */
  private async fail(where: string, field: string, message: string, params: unknown[] = []): Promise<void> {
    await this.client.query(
      `UPDATE import_orders o SET status = 'failed', error_field = ${field}, error_message = ${message} WHERE o.status = 'ok' AND ${where}`,
      params,
    );
  }
}
