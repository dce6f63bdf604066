import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { CustomerCreatedV1, Topics } from '@rapport/contracts';
import type { PoolClient } from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { copyRow } from '../shared/copy-text';
import type { ImportRow } from './import-row.validator';
import type { ImportRowError } from './imports.repository';

/** Who owns imported customers: the importing person, or nobody (the pool) for a department system. */
export interface ImportOwner {
  ownerId: string | null;
  team: string | null;
}

/** A valid row with the ids it is written under and the contact fingerprints its event carries. */
export interface StagedCustomer {
  line: number;
  id: string;
  eventId: string;
  row: ImportRow;
  fingerprints: string[];
}

/** Opens the connection a customer import runs on: its staging tables live in that session. */
@Injectable()
export class CustomerImportRepository {
  constructor(private readonly dataSource: DataSource) {}

  async open(): Promise<CustomerImportSession> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    return new CustomerImportSession(runner, client);
  }
}

/**
 * One customer import's connection. A chunk is one transaction: it begins with the COPY of its rows
 * into `import_rows` (streamed while rows are read), then duplicates are removed, customers and their
 * customer.created events written set-based, and the chunk's contacts remembered in `import_seen` for
 * the chunks after it.
 */
export class CustomerImportSession {
  private copy: CopyStreamQuery | null = null;

  constructor(
    private readonly runner: QueryRunner,
    private readonly client: PoolClient,
  ) {}

  /** Queries on this import's connection, inside the chunk's transaction when one is open. */
  get manager(): EntityManager {
    return this.runner.manager;
  }

  async createStagingTables(): Promise<void> {
    await this.dropStagingTables();
    await this.client.query(`
      CREATE TEMP TABLE import_rows (
        line integer NOT NULL, id uuid NOT NULL, event_id uuid NOT NULL, kind text NOT NULL, name text NOT NULL, email text, phone text,
        source_channel text NOT NULL, tags text, search_key text NOT NULL, fingerprints text
      ) ON COMMIT DELETE ROWS`);
    await this.client.query(`CREATE INDEX ON import_rows (email)`);
    await this.client.query(`CREATE INDEX ON import_rows (phone)`);
    await this.client.query(`CREATE TEMP TABLE import_seen (line integer NOT NULL, email text, phone text)`);
    await this.client.query(`CREATE INDEX ON import_seen (email)`);
    await this.client.query(`CREATE INDEX ON import_seen (phone)`);
  }

  /** A row of `import_rows` as COPY text (tags and fingerprints joined by ';', which neither contains). */
  encode(c: StagedCustomer): string {
    const r = c.row;
    return copyRow([
      c.line,
      c.id,
      c.eventId,
      r.kind,
      r.name,
      r.email,
      r.phone,
      r.sourceChannel,
      r.tags.length ? r.tags.join(';') : null,
      r.searchKey,
      c.fingerprints.length ? c.fingerprints.join(';') : null,
    ]);
  }

  /** Streams encoded rows into the open chunk; the first write of a chunk begins its transaction. */
  async stage(text: string): Promise<void> {
    if (this.copy === null) {
      await this.client.query('BEGIN');
      this.copy = this.client.query(copyFrom('COPY import_rows FROM STDIN'));
    }
    if (text !== '' && !this.copy.write(text)) await once(this.copy, 'drain');
  }

  /** Ends the chunk's COPY (beginning the chunk first if no row was staged). */
  async endCopy(): Promise<void> {
    await this.stage('');
    const stream = this.copy!;
    this.copy = null;
    stream.end();
    await finished(stream);
  }

  async analyzeStagedRows(): Promise<void> {
    await this.client.query('ANALYZE import_rows');
  }

  /**
   * Removes rows whose normalised email or phone is that of an earlier line of the file (this chunk or
   * an earlier one) or of a stored customer, and returns why each went, by line.
   */
  async removeDuplicates(): Promise<ImportRowError[]> {
    // Right after a large chunk the customers table's statistics are stale (autovacuum has not run
    // yet): the planner would then join it by sequential scan. Each row is one index probe instead.
    await this.client.query('SET LOCAL enable_seqscan = off');
    const duplicates = await this.client.query<ImportRowError>(`
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
      SELECT first.line, first.field, first.message FROM first JOIN removed USING (line) ORDER BY first.line`);
    await this.client.query('SET LOCAL enable_seqscan = on');
    return duplicates.rows.map((d) => ({ line: d.line, field: d.field, message: d.message }));
  }

  /** Inserts the chunk's customers in one statement; returns how many. */
  async insertCustomers(owner: ImportOwner, createdAt: string): Promise<number> {
    // GIN entries of a bulk insert go to the pending lists and are merged in bulk (in work_mem), not row by row.
    await this.client.query(`SET LOCAL gin_pending_list_limit = '64MB'`);
    await this.client.query(`SET LOCAL work_mem = '256MB'`);
    const inserted = await this.client.query(
      `INSERT INTO customer_profile.customers
         (id, kind, name, email, phone, emails, phones, tags, search_key, source_channel, owner_id, team, owner_since, created_at, updated_at)
       SELECT id, kind, name, email, phone,
              CASE WHEN email IS NULL THEN '{}'::text[] ELSE ARRAY[email] END,
              CASE WHEN phone IS NULL THEN '{}'::text[] ELSE ARRAY[phone] END,
              coalesce(string_to_array(tags, ';'), '{}'::text[]), search_key, source_channel,
              $1::text, $2::text, CASE WHEN $1::text IS NULL THEN NULL ELSE $3::timestamptz END, $3::timestamptz, $3::timestamptz
         FROM import_rows`,
      [owner.ownerId, owner.team, createdAt],
    );
    return inserted.rowCount ?? 0;
  }

  /** The same CloudEvents binary-mode rows OutboxWriter writes, built set-based for the whole chunk. */
  async insertCreatedEvents(owner: ImportOwner, createdAt: string): Promise<void> {
    await this.client.query(
      `INSERT INTO customer_profile.outbox (event_id, event_type, topic, message_key, headers, payload)
       SELECT t.event_id, $1, $2, t.id::text,
              jsonb_build_object('content-type', 'application/json', 'ce_specversion', '1.0', 'ce_id', t.event_id::text,
                'ce_type', $1::text, 'ce_source', $3::text, 'ce_subject', t.id::text, 'ce_time', $4::text),
              json_strip_nulls(json_build_object('customerId', t.id, 'kind', t.kind, 'sourceChannel', t.source_channel,
                'ownerId', $5::text, 'team', $6::text, 'createdAt', $4::text,
                'contactFingerprints', string_to_array(t.fingerprints, ';')))::text
         FROM import_rows t`,
      [
        CustomerCreatedV1.type,
        Topics[CustomerCreatedV1.topic].name,
        `/rapport/${CustomerCreatedV1.source}`,
        createdAt,
        owner.ownerId,
        owner.team,
      ],
    );
  }

  /** What later chunks check their rows against. */
  async rememberContacts(): Promise<void> {
    await this.client.query(
      `INSERT INTO import_seen (line, email, phone) SELECT line, email, phone FROM import_rows WHERE email IS NOT NULL OR phone IS NOT NULL`,
    );
  }

  async commit(): Promise<void> {
    await this.client.query('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.client.query('ROLLBACK').catch(() => undefined);
  }

  /** Searches scan a GIN index's pending list whole: merge it now rather than leave it to autovacuum. */
  async mergeSearchPendingList(): Promise<void> {
    await this.client.query(`SELECT gin_clean_pending_list('customer_profile.customers_search_key'::regclass)`);
  }

  async close(): Promise<void> {
    await this.dropStagingTables().catch(() => undefined);
    await this.runner.release();
  }

  private async dropStagingTables(): Promise<void> {
    await this.client.query('DROP TABLE IF EXISTS pg_temp.import_rows, pg_temp.import_seen');
  }
}
