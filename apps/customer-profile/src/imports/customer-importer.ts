import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@rapport/platform-observability';
import { LOGGER } from '@rapport/platform-runtime';
import { CustomerCreatedV1, Topics } from '@rapport/contracts';
import type { PoolClient } from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { ContactFingerprinter } from '../customers/contact-fingerprint';
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

/** Progress is written every this many rows (and after each chunk), outside the import's transactions. */
const PROGRESS_EVERY = 1_000;
/** Errors kept per import; the counters still count every failed row. */
const MAX_STORED_ERRORS = 100_000;
/**
 * Rows per chunk: one transaction each. Large, because every commit wakes the relay and five
 * services' consumers, which then compete with the rest of the import for the same cores (measured on
 * 2 shared cores, load average 10-14: 200k rows took 84 s in chunks of 50k, 23 s in one).
 * IMPORT_CHUNK_ROWS (1000 to 10000000) overrides it, e.g. for the import benchmark.
 */
export const CHUNK_ROWS = chunkRowsFrom(process.env['IMPORT_CHUNK_ROWS']);

export function chunkRowsFrom(value: string | undefined, fallback = 1_000_000): number {
  if (value === undefined || value === '') return fallback;
  const rows = Number(value);
  if (!Number.isInteger(rows) || rows < 1_000 || rows > 10_000_000) throw new Error(`IMPORT_CHUNK_ROWS must be an integer from 1000 to 10000000, not ${value}`);
  return rows;
}

/** COPY text format: backslash, tab and line breaks escaped, \N for null. */
function copyField(value: string | null): string {
  if (value === null) return '\\N';
  if (!/[\\\t\n\r]/.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * A time-ordered (version 7) UUID: new customers and their events land at the right-hand edge of
 * the primary-key and event-id indexes instead of on random pages, which keeps a bulk insert's
 * index maintenance and WAL (full-page images after a checkpoint) small.
 */
export function timeOrderedUuid(now = Date.now()): string {
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}

/** The rows of one chunk (staged by COPY as they are read) and the errors found while reading and validating them. */
interface Chunk {
  rows: number;
  errors: RowError[];
}

/**
 * Imports customers set-based, in chunks of CHUNK_ROWS rows: rows are validated as they stream in
 * and each chunk is `COPY`-ed into a temp staging table; duplicates (same email or phone earlier in
 * the file or already stored) are found with set-based joins and reported; one `INSERT … SELECT`
 * writes the customers and one more their customer.created events into the outbox, in the chunk's
 * transaction. The COPY streams while rows are read and validated (the database and Node work at
 * the same time). Never a loop of single inserts.
 */
@Injectable()
export class CustomerImporter {
  private readonly validator = new ImportRowValidator();

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: ImportsRepository,
    private readonly fingerprints: ContactFingerprinter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(importId: string, body: Readable, format: ImportFormat, owner: ImportOwner, chunkRows = CHUNK_ROWS): Promise<ImportOutcome> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    let total = 0;
    let failedRead = 0;
    let failedDuplicates = 0;
    let imported = 0;
    let storedErrors = 0;
    const timings: Record<string, number> = {};
    const time = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        return await work();
      } finally {
        timings[name] = (timings[name] ?? 0) + Math.round(performance.now() - started);
      }
    };
    const createdAt = new Date().toISOString();
    const keep = (errors: RowError[]): RowError[] => {
      const kept = errors.slice(0, Math.max(0, MAX_STORED_ERRORS - storedErrors));
      storedErrors += kept.length;
      return kept;
    };

    /** The rest of a chunk's transaction, once its rows are staged (COPY streamed while they were read). */
    const write = async (chunk: Chunk, last: boolean): Promise<void> => {
      try {
        await client.query('ANALYZE import_rows');
        // Right after a large chunk the customers table's statistics are stale (autovacuum has not run
        // yet): the planner would then join it by sequential scan. Each row is one index probe instead.
        await client.query('SET LOCAL enable_seqscan = off');
        // Duplicates by the normalised email or phone: of an earlier line of the file (this chunk or an earlier one), or of a stored customer.
        const duplicates = await time('duplicatesMs', () =>
          client.query<{ line: number; field: string; message: string }>(`
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
            SELECT t.line, 1, 'email', 'duplicate of line ' || s.line FROM import_rows t JOIN import_seen s ON s.email = t.email
            UNION ALL
            SELECT t.line, 2, 'phone', 'duplicate of line ' || s.line FROM import_rows t JOIN import_seen s ON s.phone = t.phone
            UNION ALL
            SELECT t.line, 3, 'email', 'duplicate of customer ' || c.id FROM import_rows t
              JOIN customer_profile.customers c ON c.emails @> ARRAY[t.email] WHERE t.email IS NOT NULL AND c.erased_at IS NULL
            UNION ALL
            SELECT t.line, 4, 'phone', 'duplicate of customer ' || c.id FROM import_rows t
              JOIN customer_profile.customers c ON c.phones @> ARRAY[t.phone] WHERE t.phone IS NOT NULL AND c.erased_at IS NULL
          ), first AS (
            SELECT DISTINCT ON (line) line, field, message FROM found ORDER BY line, rank, message
          ), removed AS (
            DELETE FROM import_rows t USING first WHERE t.line = first.line RETURNING t.line
          )
          SELECT first.line, first.field, first.message FROM first JOIN removed USING (line) ORDER BY first.line`),
        );
        await client.query('SET LOCAL enable_seqscan = on');
        const errors = chunk.errors.concat(duplicates.rows.map((d) => ({ line: d.line, field: d.field, message: d.message })));
        // GIN entries of a bulk insert go to the pending lists and are merged in bulk (in work_mem), not row by row.
        await client.query(`SET LOCAL gin_pending_list_limit = '64MB'`);
        await client.query(`SET LOCAL work_mem = '256MB'`);
        const inserted = await time('insertCustomersMs', () =>
          client.query(
            `INSERT INTO customer_profile.customers
               (id, kind, name, email, phone, emails, phones, tags, search_key, source_channel, owner_id, team, owner_since, created_at, updated_at)
             SELECT id, kind, name, email, phone,
                    CASE WHEN email IS NULL THEN '{}'::text[] ELSE ARRAY[email] END,
                    CASE WHEN phone IS NULL THEN '{}'::text[] ELSE ARRAY[phone] END,
                    coalesce(string_to_array(tags, ';'), '{}'::text[]), search_key, source_channel,
                    $1::text, $2::text, CASE WHEN $1::text IS NULL THEN NULL ELSE $3::timestamptz END, $3::timestamptz, $3::timestamptz
               FROM import_rows`,
            [owner.ownerId, owner.team, createdAt],
          ),
        );
        // The same CloudEvents binary-mode rows OutboxWriter writes, built set-based for the whole chunk.
        await time('insertEventsMs', () =>
          client.query(
            `INSERT INTO customer_profile.outbox (event_id, event_type, topic, message_key, headers, payload)
             SELECT t.event_id, $1, $2, t.id::text,
                    jsonb_build_object('content-type', 'application/json', 'ce_specversion', '1.0', 'ce_id', t.event_id::text,
                      'ce_type', $1::text, 'ce_source', $3::text, 'ce_subject', t.id::text, 'ce_time', $4::text),
                    json_strip_nulls(json_build_object('customerId', t.id, 'kind', t.kind, 'sourceChannel', t.source_channel,
                      'ownerId', $5::text, 'team', $6::text, 'createdAt', $4::text,
                      'contactFingerprints', string_to_array(t.fingerprints, ';')))::text
               FROM import_rows t`,
            [CustomerCreatedV1.type, Topics[CustomerCreatedV1.topic].name, `/rapport/${CustomerCreatedV1.source}`, createdAt, owner.ownerId, owner.team],
          ),
        );
        const stored = keep(errors);
        if (stored.length > 0) {
          await client.query(
            `INSERT INTO customer_profile.import_errors (import_id, row_no, field, message) SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[])`,
            [importId, stored.map((e) => e.line), stored.map((e) => e.field), stored.map((e) => e.message)],
          );
        }
        // What later chunks check their rows against (not needed after the last one).
        if (!last) {
          await time('rememberMs', () =>
            client.query(`INSERT INTO import_seen (line, email, phone) SELECT line, email, phone FROM import_rows WHERE email IS NOT NULL OR phone IS NOT NULL`),
          );
        }
        await time('commitMs', () => client.query('COMMIT'));
        imported += inserted.rowCount ?? 0;
        failedDuplicates += duplicates.rows.length;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      await this.jobs.progress(importId, total, failedRead + failedDuplicates, imported);
    };

    try {
      await client.query('DROP TABLE IF EXISTS pg_temp.import_rows, pg_temp.import_seen');
      await client.query(`
        CREATE TEMP TABLE import_rows (
          line integer NOT NULL, id uuid NOT NULL, event_id uuid NOT NULL, kind text NOT NULL, name text NOT NULL, email text, phone text,
          source_channel text NOT NULL, tags text, search_key text NOT NULL, fingerprints text
        ) ON COMMIT DELETE ROWS`);
      await client.query(`CREATE INDEX ON import_rows (email)`);
      await client.query(`CREATE INDEX ON import_rows (phone)`);
      await client.query(`CREATE TEMP TABLE import_seen (line integer NOT NULL, email text, phone text)`);
      await client.query(`CREATE INDEX ON import_seen (email)`);
      await client.query(`CREATE INDEX ON import_seen (phone)`);

      let chunk: Chunk = { rows: 0, errors: [] };
      let copy: CopyStreamQuery | null = null;
      const started = performance.now();
      /** Rows go to the staging table as they are read: a chunk's transaction starts with its COPY. */
      const stage = async (text: string): Promise<void> => {
        if (copy === null) {
          await client.query('BEGIN');
          copy = client.query(copyFrom('COPY import_rows FROM STDIN'));
        }
        if (text !== '' && !copy.write(text)) await once(copy, 'drain');
      };
      const close = async (last: boolean): Promise<void> => {
        await stage('');
        const stream = copy!;
        copy = null;
        await time('copyEndMs', async () => {
          stream.end();
          await finished(stream);
        });
        const full = chunk;
        chunk = { rows: 0, errors: [] };
        await time('writeChunkMs', () => write(full, last));
      };
      let batch = '';
      for await (const item of readRecords(body, format)) {
        // A full chunk is written once a further row shows it is not the last: the last one skips remembering its contacts.
        if (chunk.rows >= chunkRows) {
          await stage(batch);
          batch = '';
          await close(false);
        }
        total += 1;
        if ('error' in item) {
          failedRead += 1;
          chunk.errors.push({ line: item.line, field: null, message: item.error });
        } else {
          const result = this.validator.validate(item.record);
          if (result.row === null) {
            failedRead += 1;
            for (const e of result.errors) chunk.errors.push({ line: item.line, field: e.field, message: e.message });
          } else {
            const r = result.row;
            const now = Date.now();
            // The contact fingerprints customer.created carries (base64url: never a ';', tab or backslash).
            const fingerprints = this.fingerprints.of({ phone: r.phone, email: r.email });
            batch += `${item.line}\t${timeOrderedUuid(now)}\t${timeOrderedUuid(now)}\t${r.kind}\t${copyField(r.name)}\t${copyField(r.email)}\t${copyField(
              r.phone,
            )}\t${r.sourceChannel}\t${r.tags.length ? copyField(r.tags.join(';')) : '\\N'}\t${copyField(r.searchKey)}\t${fingerprints.length ? fingerprints.join(';') : '\\N'}\n`;
            chunk.rows += 1;
          }
        }
        if (total % PROGRESS_EVERY === 0) {
          await stage(batch);
          batch = '';
          await this.jobs.progress(importId, total, failedRead + failedDuplicates, imported);
        }
      }
      await stage(batch);
      await close(true);
      timings['readValidateAndCopyMs'] = Math.round(performance.now() - started - (timings['writeChunkMs'] ?? 0));
      const failed = failedRead + failedDuplicates;
      // Searches scan a GIN index's pending list whole: merge it now rather than leave it to autovacuum.
      await time('mergePendingMs', () => client.query(`SELECT gin_clean_pending_list('customer_profile.customers_search_key'::regclass)`));
      await client.query(
        `UPDATE customer_profile.imports SET status = 'completed', rows_total = $2, rows_done = $2, rows_imported = $3, rows_failed = $4, finished_at = clock_timestamp()
          WHERE id = $1`,
        [importId, total, imported, failed],
      );
      this.logger.info({ importId, rows: total, imported, failed, timings }, 'customer import completed');
      return { total, imported, failed };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      await this.jobs.fail(importId, total, (error as Error).message.slice(0, 500));
      throw error;
    } finally {
      await client.query('DROP TABLE IF EXISTS pg_temp.import_rows, pg_temp.import_seen').catch(() => undefined);
      await runner.release();
    }
  }
}
