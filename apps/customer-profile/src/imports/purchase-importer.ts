import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@rapport/platform-observability';
import { LOGGER } from '@rapport/platform-runtime';
import { LifecycleChangedV1, PurchaseRecordedV1, type LifecycleStage } from '@rapport/contracts';
import type { CustomerVisibility } from '@rapport/platform-auth';
import { OutboxWriter, type PendingEvent } from '@rapport/platform-messaging';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { visibilitySql } from '../shared/visibility.sql';
import { LifecyclePolicy } from '../lifecycle/lifecycle.policy';
import { Money } from '../purchases/money';
import { FEATURE_CONFIG, type FeatureConfig } from '../shared/feature.config';
import { PurchasesRepository } from '../purchases/purchases.repository';
import { ImportsRepository } from './imports.repository';
import { PurchaseRowValidator, type PurchaseLineRow } from './purchase-row.validator';
import { readRecords, type ImportFormat } from './row-source';

export interface PurchaseImportOutcome {
  total: number;
  imported: number;
  skipped: number;
  failed: number;
}

interface RowError {
  line: number;
  field: string | null;
  message: string;
}

const PROGRESS_EVERY = 1_000;
const MAX_STORED_ERRORS = 100_000;
/** Purchases whose events are built and written per statement. */
const EVENT_BATCH = 1_000;

function copyField(value: string | null): string {
  if (value === null) return '\\N';
  if (!/[\\\t\n\r]/.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * Imports purchases set-based, with the rules of POST /customers/{id}/purchases: CSV rows (one per
 * order line; rows sharing externalOrderId form one purchase) or JSON lines (one purchase each) are
 * validated as they stream in and `COPY`-ed into a staging table; customers are resolved (id, email,
 * phone or identifier, among those the caller may see), exchange rates joined, orders already
 * recorded skipped, all set-based; then purchases, lines, totals, lifecycle moves and the
 * purchase.recorded / lifecycle.changed events are written in one transaction, each event exactly
 * as the single-purchase path writes it (firstPurchase and the moves follow the file's order).
 */
@Injectable()
export class PurchaseImporter {
  private readonly validator = new PurchaseRowValidator();
  private readonly policy = new LifecyclePolicy();

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: ImportsRepository,
    private readonly purchases: PurchasesRepository,
    private readonly outbox: OutboxWriter,
    @Inject(FEATURE_CONFIG) private readonly config: FeatureConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(importId: string, body: Readable, format: ImportFormat, visibility: CustomerVisibility, recordedBy: string): Promise<PurchaseImportOutcome> {
    const base = this.config.BASE_CURRENCY;
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    const errors: RowError[] = [];
    const badOrders = new Set<string>();
    let total = 0;
    let failedRead = 0;
    const report = (e: RowError) => {
      if (errors.length < MAX_STORED_ERRORS) errors.push(e);
    };
    try {
      await runner.startTransaction();
      const manager = runner.manager;
      await client.query(`
        CREATE TEMP TABLE purchase_rows (
          row_no integer NOT NULL, seq integer NOT NULL, external_order_id text NOT NULL, customer_ref uuid, email text, phone text,
          identifier_type text, identifier text, currency text NOT NULL, channel text, occurred_at text NOT NULL,
          sku text NOT NULL, name text, category text, quantity numeric NOT NULL, unit_price numeric NOT NULL
        ) ON COMMIT DROP`);
      const copy = client.query(copyFrom('COPY purchase_rows FROM STDIN'));
      const validator = this.validator;
      const jobs = this.jobs;
      async function* lines(): AsyncGenerator<string> {
        let batch = '';
        for await (const item of readRecords(body, format)) {
          total += 1;
          if ('error' in item) {
            failedRead += 1;
            report({ line: item.line, field: null, message: item.error });
          } else {
            const result = format === 'csv' ? validator.csvRow(item.record) : validator.jsonPurchase(item.record);
            if (result.rows === null) {
              failedRead += 1;
              for (const e of result.errors) report({ line: item.line, field: e.field, message: e.message });
              // The other rows of a CSV order with a bad row are not imported either: no partial orders.
              if (format === 'csv' && result.externalOrderId !== null) badOrders.add(result.externalOrderId);
            } else {
              result.rows.forEach((r: PurchaseLineRow, seq) => {
                batch += `${item.line}\t${seq}\t${copyField(r.externalOrderId)}\t${copyField(r.customerId)}\t${copyField(r.email)}\t${copyField(r.phone)}\t${copyField(
                  r.identifierType,
                )}\t${copyField(r.identifier)}\t${r.currency}\t${copyField(r.channel)}\t${r.occurredAt}\t${copyField(r.sku)}\t${copyField(r.name)}\t${copyField(
                  r.category,
                )}\t${r.quantity}\t${r.unitPrice}\n`;
              });
            }
          }
          if (total % PROGRESS_EVERY === 0) {
            yield batch;
            batch = '';
            await jobs.progress(importId, total, failedRead, 0);
          }
        }
        if (batch) yield batch;
      }
      await pipeline(lines(), copy);
      await jobs.progress(importId, total, failedRead, 0);

      // Orders: one row each, with what its rows say about the order (they must agree).
      await client.query(`
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
      await client.query(`ALTER TABLE import_orders ADD PRIMARY KEY (external_order_id)`);
      await client.query(`ANALYZE import_orders`);
      const fail = (where: string, field: string, message: string, params: unknown[] = []) =>
        client.query(`UPDATE import_orders o SET status = 'failed', error_field = ${field}, error_message = ${message} WHERE o.status = 'ok' AND ${where}`, params);
      await fail(`o.external_order_id = ANY($1::text[])`, `NULL`, `'order ' || o.external_order_id || ' has rows with errors: none of its rows is imported'`, [[...badOrders]]);
      await fail(`o.variants > 1`, `'externalOrderId'`, `'the rows of order ' || o.external_order_id || ' disagree on the customer, currency, channel or occurredAt'`);
      if (format === 'ndjson') await fail(`o.row_count > 1`, `'externalOrderId'`, `'order ' || o.external_order_id || ' appears on more than one line'`);

      // Customers, among those the caller may see: by id, or by exactly one match of email, phone or identifier.
      const params: unknown[] = [];
      const visible = () => visibilitySql(visibility, params, 'c');
      await client.query('SET LOCAL enable_seqscan = off'); // fresh statistics may be missing right after a bulk import
      await client.query(
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
      await client.query('SET LOCAL enable_seqscan = on');
      const refField = `CASE WHEN o.customer_ref IS NOT NULL THEN 'customerId' WHEN o.email IS NOT NULL THEN 'email' WHEN o.phone IS NOT NULL THEN 'phone' ELSE 'identifier' END`;
      await fail(`o.matches IS NULL`, refField, `'no customer found for ' || ${refField}`);
      await fail(`o.matches > 1`, refField, `${refField} || ' matches ' || o.matches || ' customers: name the customer by customerId'`);
      // Exchange rates kept as data, as for a single purchase.
      await client.query(
        `UPDATE import_orders o SET rate = CASE WHEN o.currency = $1 THEN 1 ELSE r.rate END
           FROM (SELECT DISTINCT currency FROM import_orders) cur LEFT JOIN customer_profile.exchange_rates r ON r.currency = cur.currency AND r.base_currency = $1
          WHERE cur.currency = o.currency`,
        [base],
      );
      await fail(`o.rate IS NULL`, `'currency'`, `'unknown currency ' || o.currency || ': no exchange rate to ' || $1::text`, [base]);
      // External order ids are unique: an order already recorded is skipped (or refused, if it belongs to another customer).
      await client.query(
        `UPDATE import_orders o SET status = CASE WHEN p.customer_id = o.customer_id THEN 'skipped' ELSE 'failed' END,
                error_field = 'externalOrderId',
                error_message = CASE WHEN p.customer_id = o.customer_id THEN 'skipped: order ' || o.external_order_id || ' is already recorded (purchase ' || p.id || ')'
                                     ELSE 'order ' || o.external_order_id || ' is already recorded for another customer' END
           FROM customer_profile.purchases p WHERE p.external_order_id = o.external_order_id AND o.status = 'ok'`,
      );

      // Lines, totals in the order's currency and in the base currency: exact decimals, rounded half away from zero like Money.
      await client.query(`
        CREATE TEMP TABLE import_lines ON COMMIT DROP AS
        SELECT o.id AS purchase_id, row_number() OVER (PARTITION BY o.id ORDER BY r.row_no, r.seq)::int AS line_no, r.sku, r.name, r.category,
               r.quantity, r.unit_price, round(r.unit_price * r.quantity, 4) AS line_total
          FROM purchase_rows r JOIN import_orders o USING (external_order_id) WHERE o.status = 'ok'`);
      await client.query(`
        UPDATE import_orders o SET total = l.total, total_base = round(l.total * o.rate, 4)
          FROM (SELECT purchase_id, sum(line_total) AS total FROM import_lines GROUP BY purchase_id) l WHERE l.purchase_id = o.id`);
      // Purchases of one customer count in the file's order: firstPurchase and lifecycle moves as if posted one by one.
      await client.query(`
        UPDATE import_orders o SET rank = r.rank
          FROM (SELECT external_order_id, row_number() OVER (PARTITION BY customer_id ORDER BY first_row)::int AS rank FROM import_orders WHERE status = 'ok') r
         WHERE r.external_order_id = o.external_order_id`);

      const customerIds: string[] = (await client.query(`SELECT DISTINCT customer_id FROM import_orders WHERE status = 'ok'`)).rows.map((r) => r.customer_id);
      const locked = await this.purchases.lockCustomersForPurchases(manager, customerIds);
      const newCounts = new Map<string, number>(
        (await client.query(`SELECT customer_id, count(*)::int AS n FROM import_orders WHERE status = 'ok' GROUP BY customer_id`)).rows.map((r) => [r.customer_id, r.n]),
      );
      const imported = await this.purchases.insertStagedPurchases(manager, base, recordedBy);

      // Lifecycle: the policy applied purchase by purchase, per customer.
      const changedAt: Date = (await client.query(`SELECT now() AS now`)).rows[0].now;
      const before = new Map<string, number>();
      const movesAt = new Map<string, { from: LifecycleStage; to: LifecycleStage; reason: string }>();
      const moves: { customerId: string; from: string; to: string; reason: string }[] = [];
      for (const customer of locked) {
        before.set(customer.id, customer.purchase_count);
        let stage = customer.stage;
        for (let rank = 1; rank <= (newCounts.get(customer.id) ?? 0); rank++) {
          const move = this.policy.onPurchase(stage, customer.purchase_count + rank - 1);
          if (!move) continue;
          movesAt.set(`${customer.id}/${rank}`, { from: stage, to: move.to, reason: move.reason });
          moves.push({ customerId: customer.id, from: stage, to: move.to, reason: move.reason });
          stage = move.to;
        }
      }
      await this.purchases.applyLifecycleMoves(manager, moves, changedAt);

      // Events, in the order the single path writes them: a purchase's lifecycle move, then the purchase.
      let after: [string, number] | null = null;
      for (;;) {
        const page: {
          id: string;
          customer_id: string;
          rank: number;
          external_order_id: string;
          channel: string | null;
          currency: string;
          total: string;
          total_base: string;
          occurred_at_text: string;
          lines: { sku: string; category: string | null; quantity: string; unit_price: string; line_total: string }[];
        }[] = (
          await client.query(
            `SELECT o.id, o.customer_id, o.rank, o.external_order_id, o.channel, o.currency, o.total::text, o.total_base::text, o.occurred_at_text,
                    (SELECT json_agg(json_build_object('sku', l.sku, 'category', l.category, 'quantity', l.quantity::text, 'unit_price', l.unit_price::text,
                                                       'line_total', l.line_total::text) ORDER BY l.line_no)
                       FROM import_lines l WHERE l.purchase_id = o.id) AS lines
               FROM import_orders o
              WHERE o.status = 'ok' AND ($1::uuid IS NULL OR (o.customer_id, o.rank) > ($1::uuid, $2::int))
              ORDER BY o.customer_id, o.rank LIMIT $3`,
            [after?.[0] ?? null, after?.[1] ?? 0, EVENT_BATCH],
          )
        ).rows;
        if (page.length === 0) break;
        const events: PendingEvent[] = [];
        for (const p of page) {
          const move = movesAt.get(`${p.customer_id}/${p.rank}`);
          if (move) {
            events.push({ definition: LifecycleChangedV1, subject: p.customer_id, data: { customerId: p.customer_id, ...move, changedAt: changedAt.toISOString() } });
          }
          events.push({
            definition: PurchaseRecordedV1,
            subject: p.customer_id,
            data: {
              purchaseId: p.id,
              customerId: p.customer_id,
              externalOrderId: p.external_order_id,
              ...(p.channel ? { channel: p.channel } : {}),
              currency: p.currency,
              total: Money.parse(p.total).toString(),
              baseCurrency: base,
              totalBase: Money.parse(p.total_base).toString(),
              lines: p.lines.map((l) => ({
                sku: l.sku,
                ...(l.category ? { category: l.category } : {}),
                quantity: Number(l.quantity),
                unitPrice: Money.parse(l.unit_price).toString(),
                lineTotal: Money.parse(l.line_total).toString(),
              })),
              occurredAt: p.occurred_at_text,
              firstPurchase: (before.get(p.customer_id) ?? 0) + p.rank - 1 === 0,
            },
          });
        }
        await this.outbox.addMany(manager, events);
        const last = page[page.length - 1]!;
        after = [last.customer_id, last.rank];
      }

      // The report: every row of an order not imported, with its reason.
      const orderErrors = (
        await client.query<{ row_no: number; status: string; error_field: string | null; error_message: string }>(
          `SELECT DISTINCT r.row_no, o.status, o.error_field, o.error_message FROM import_orders o JOIN purchase_rows r USING (external_order_id)
            WHERE o.status <> 'ok' ORDER BY r.row_no`,
        )
      ).rows;
      for (const e of orderErrors) report({ line: e.row_no, field: e.error_field, message: e.error_message });
      const counts = (
        await client.query<{ imported_rows: number; skipped_rows: number }>(
          `SELECT coalesce(sum(row_count) FILTER (WHERE status = 'ok'), 0)::int AS imported_rows, coalesce(sum(row_count) FILTER (WHERE status = 'skipped'), 0)::int AS skipped_rows
             FROM import_orders`,
        )
      ).rows[0]!;
      const skipped = counts.skipped_rows;
      const importedRows = counts.imported_rows;
      const failed = total - importedRows - skipped;
      if (errors.length > 0) {
        errors.sort((a, b) => a.line - b.line);
        await client.query(
          `INSERT INTO customer_profile.import_errors (import_id, row_no, field, message) SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[])`,
          [importId, errors.map((e) => e.line), errors.map((e) => e.field), errors.map((e) => e.message)],
        );
      }
      await client.query(
        `UPDATE customer_profile.imports SET status = 'completed', rows_total = $2, rows_done = $2, rows_imported = $3, rows_failed = $4, rows_skipped = $5,
                finished_at = clock_timestamp() WHERE id = $1`,
        [importId, total, importedRows, failed, skipped],
      );
      await runner.commitTransaction();
      this.logger.info({ importId, rows: total, purchases: imported, importedRows, skipped, failed }, 'purchase import completed');
      return { total, imported: importedRows, skipped, failed };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await this.jobs.fail(importId, total, (error as Error).message.slice(0, 500));
      throw error;
    } finally {
      await runner.release();
    }
  }
}
