import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable, Logger } from '@nestjs/common';
import { CustomerCreatedV1, Topics } from '@rapport/contracts';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { ImportRowValidator } from './import-row.validator';
import { ImportsRepository } from './imports.repository';
import { readRecords, type ImportFormat } from './row-source';

export interface ImportOwner {
  ownerId: string | null;
  team: string | null;
}

export interface ImportOutcome {
  total: number;
  imported: number;
  failed: number;
}

interface RowError {
  line: number;
  field: string | null;
  message: string;
}

/** Progress is written every this many rows (and at the end), outside the import's transaction. */
const PROGRESS_EVERY = 1_000;
/** Errors kept per import; the counters still count every failed row. */
const MAX_STORED_ERRORS = 100_000;

/** COPY text format: backslash, tab and line breaks escaped, \N for null. */
function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * Imports customers set-based: rows are validated as they stream in and `COPY`-ed into a temp
 * staging table; duplicates (same email or phone earlier in the file or already stored) are
 * reported; then one `INSERT … SELECT` writes the customers and one more their customer.created
 * events into the outbox, all in one transaction. Never a loop of single inserts.
 */
@Injectable()
export class CustomerImporter {
  private readonly validator = new ImportRowValidator();
  private readonly logger = new Logger(CustomerImporter.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: ImportsRepository,
  ) {}

  async run(importId: string, body: Readable, format: ImportFormat, owner: ImportOwner): Promise<ImportOutcome> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    const errors: RowError[] = [];
    let total = 0;
    let failed = 0;
    const timings: Record<string, number> = {};
    let mark = performance.now();
    const lap = (name: string) => {
      const now = performance.now();
      timings[name] = Math.round(now - mark);
      mark = now;
    };
    try {
      await client.query('BEGIN');
      await client.query(`
        CREATE TEMP TABLE import_rows (
          line integer NOT NULL, id uuid NOT NULL, kind text NOT NULL, name text NOT NULL, email text, phone text,
          source_channel text NOT NULL, tags text, search_key text NOT NULL
        ) ON COMMIT DROP`);
      const copy = client.query(copyFrom('COPY import_rows FROM STDIN'));
      const validator = this.validator;
      const jobs = this.jobs;
      async function* lines(): AsyncGenerator<string> {
        let batch = '';
        for await (const item of readRecords(body, format)) {
          total += 1;
          if ('error' in item) {
            failed += 1;
            if (errors.length < MAX_STORED_ERRORS) errors.push({ line: item.line, field: null, message: item.error });
          } else {
            const result = validator.validate(item.record);
            if (result.row === null) {
              failed += 1;
              for (const e of result.errors) if (errors.length < MAX_STORED_ERRORS) errors.push({ line: item.line, field: e.field, message: e.message });
            } else {
              const r = result.row;
              batch += `${item.line}\t${randomUUID()}\t${copyField(r.kind)}\t${copyField(r.name)}\t${copyField(r.email)}\t${copyField(r.phone)}\t${copyField(
                r.sourceChannel,
              )}\t${copyField(r.tags.length ? r.tags.join(';') : null)}\t${copyField(r.searchKey)}\n`;
            }
          }
          if (total % PROGRESS_EVERY === 0) {
            yield batch;
            batch = '';
            await jobs.progress(importId, total, failed);
          }
        }
        if (batch) yield batch;
      }
      await pipeline(lines(), copy);
      await jobs.progress(importId, total, failed);
      lap('readValidateCopyMs');

      await client.query(`CREATE INDEX ON import_rows (email)`);
      await client.query(`CREATE INDEX ON import_rows (phone)`);
      await client.query(`ANALYZE import_rows`);
      // Duplicates by the normalised email or phone: of an earlier line of the same file, or of a stored customer.
      const duplicates = await client.query<{ line: number; field: string; message: string }>(`
        WITH ranked AS (
          SELECT line, email, phone,
                 min(line) OVER (PARTITION BY email) AS email_first,
                 min(line) OVER (PARTITION BY phone) AS phone_first
            FROM import_rows
        ), found AS (
          SELECT line, 1 AS rank, 'email' AS field, 'duplicate of line ' || email_first AS message FROM ranked WHERE email IS NOT NULL AND email_first < line
          UNION ALL
          SELECT line, 2, 'phone', 'duplicate of line ' || phone_first FROM ranked WHERE phone IS NOT NULL AND phone_first < line
          UNION ALL
          SELECT t.line, 3, 'email', 'duplicate of customer ' || c.id FROM import_rows t
            JOIN customer_profile.customers c ON c.emails @> ARRAY[t.email] WHERE t.email IS NOT NULL AND c.erased_at IS NULL
          UNION ALL
          SELECT t.line, 4, 'phone', 'duplicate of customer ' || c.id FROM import_rows t
            JOIN customer_profile.customers c ON c.phones @> ARRAY[t.phone] WHERE t.phone IS NOT NULL AND c.erased_at IS NULL
        ), first AS (
          SELECT DISTINCT ON (line) line, field, message FROM found ORDER BY line, rank
        ), removed AS (
          DELETE FROM import_rows t USING first WHERE t.line = first.line RETURNING t.line
        )
        SELECT first.line, first.field, first.message FROM first JOIN removed USING (line)`);
      for (const d of duplicates.rows) if (errors.length < MAX_STORED_ERRORS) errors.push({ line: d.line, field: d.field, message: d.message });
      failed += duplicates.rows.length;
      lap('duplicatesMs');

      const createdAt = new Date().toISOString();
      // Index entries of a bulk insert go to the GIN pending lists and are merged in bulk, not row by row.
      await client.query(`SET LOCAL gin_pending_list_limit = '64MB'`);
      const inserted = await client.query(
        `INSERT INTO customer_profile.customers
           (id, kind, name, email, phone, emails, phones, tags, search_key, source_channel, owner_id, team, owner_since, created_at, updated_at)
         SELECT id, kind, name, email, phone,
                CASE WHEN email IS NULL THEN '{}'::text[] ELSE ARRAY[email] END,
                CASE WHEN phone IS NULL THEN '{}'::text[] ELSE ARRAY[phone] END,
                coalesce(string_to_array(tags, ';'), '{}'::text[]), search_key, source_channel,
                $1::text, $2::text, CASE WHEN $1::text IS NULL THEN NULL ELSE $3::timestamptz END, $3::timestamptz, $3::timestamptz
           FROM import_rows ORDER BY line`,
        [owner.ownerId, owner.team, createdAt],
      );
      lap('insertCustomersMs');
      // The same CloudEvents binary-mode rows OutboxWriter writes, built set-based for the whole import.
      await client.query(
        `INSERT INTO customer_profile.outbox (event_id, event_type, topic, message_key, headers, payload)
         SELECT e.event_id, $1, $2, t.id::text,
                jsonb_build_object('content-type', 'application/json', 'ce_specversion', '1.0', 'ce_id', e.event_id::text,
                  'ce_type', $1::text, 'ce_source', $3::text, 'ce_subject', t.id::text, 'ce_time', $4::text),
                json_strip_nulls(json_build_object('customerId', t.id, 'kind', t.kind, 'sourceChannel', t.source_channel,
                  'ownerId', $5::text, 'team', $6::text, 'createdAt', $4::text))::text
           FROM import_rows t CROSS JOIN LATERAL (SELECT gen_random_uuid() AS event_id, t.line AS line) e ORDER BY t.line`,
        [CustomerCreatedV1.type, Topics[CustomerCreatedV1.topic].name, `/rapport/${CustomerCreatedV1.source}`, createdAt, owner.ownerId, owner.team],
      );
      lap('insertEventsMs');
      if (errors.length > 0) {
        await client.query(
          `INSERT INTO customer_profile.import_errors (import_id, row_no, field, message) SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[])`,
          [importId, errors.map((e) => e.line), errors.map((e) => e.field), errors.map((e) => e.message)],
        );
      }
      const imported = inserted.rowCount ?? 0;
      await client.query(
        `UPDATE customer_profile.imports SET status = 'completed', rows_total = $2, rows_done = $2, rows_imported = $3, rows_failed = $4, finished_at = clock_timestamp()
          WHERE id = $1`,
        [importId, total, imported, failed],
      );
      await client.query('COMMIT');
      lap('commitMs');
      this.logger.log(`import ${importId}: ${total} rows, ${imported} imported, ${failed} failed ${JSON.stringify(timings)}`);
      return { total, imported, failed };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      await this.jobs.fail(importId, total, (error as Error).message.slice(0, 500));
      throw error;
    } finally {
      await runner.release();
    }
  }
}
