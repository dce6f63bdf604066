import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@rapport/platform-observability';
import { LOGGER } from '@rapport/platform-runtime';
import { ContactFingerprinter } from '../customers/contact-fingerprint';
import { CustomerImportRepository, type CustomerImportSession, type ImportOwner } from './customer-import.repository';
import { ImportRowValidator } from './import-row.validator';
import { ImportsRepository, type ImportRowError } from './imports.repository';
import { readRecords, type ImportFormat, type SourceItem } from './row-source';

export interface ImportOutcome {
  total: number;
  imported: number;
  failed: number;
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
  if (!Number.isInteger(rows) || rows < 1_000 || rows > 10_000_000)
    throw new Error(`IMPORT_CHUNK_ROWS must be an integer from 1000 to 10000000, not ${value}`);
  return rows;
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
  errors: ImportRowError[];
}

/** What one import has counted and measured so far. */
class CustomerImportRun {
  total = 0;
  failedRead = 0;
  failedDuplicates = 0;
  imported = 0;
  private storedErrors = 0;
  readonly timings: Record<string, number> = {};
  readonly createdAt = new Date().toISOString();

  constructor(
    readonly importId: string,
    readonly owner: ImportOwner,
  ) {}

  get failed(): number {
    return this.failedRead + this.failedDuplicates;
  }

  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.timings[name] = (this.timings[name] ?? 0) + Math.round(performance.now() - started);
    }
  }

  /** The errors still to be stored: at most MAX_STORED_ERRORS per import. */
  keep(errors: ImportRowError[]): ImportRowError[] {
    const kept = errors.slice(0, Math.max(0, MAX_STORED_ERRORS - this.storedErrors));
    this.storedErrors += kept.length;
    return kept;
  }
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
    private readonly staging: CustomerImportRepository,
    private readonly jobs: ImportsRepository,
    private readonly fingerprints: ContactFingerprinter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(
    importId: string,
    body: Readable,
    format: ImportFormat,
    owner: ImportOwner,
    chunkRows = CHUNK_ROWS,
  ): Promise<ImportOutcome> {
    const session = await this.staging.open();
    const run = new CustomerImportRun(importId, owner);
    try {
      await session.createStagingTables();
      const started = performance.now();
      await this.importInChunks(session, run, body, format, chunkRows);
      run.timings['readValidateAndCopyMs'] = Math.round(
        performance.now() - started - (run.timings['writeChunkMs'] ?? 0),
      );
      await run.time('mergePendingMs', () => session.mergeSearchPendingList());
      const outcome = { total: run.total, imported: run.imported, failed: run.failed };
      await this.jobs.complete(session.manager, importId, { ...outcome, skipped: 0 });
      this.logger.info(
        { importId, rows: run.total, imported: run.imported, failed: run.failed, timings: run.timings },
        'customer import completed',
      );
      return outcome;
    } catch (error) {
      await session.rollback();
      await this.jobs.fail(importId, run.total, (error as Error).message.slice(0, 500));
      throw error;
    } finally {
      await session.close();
    }
  }

  /** Reads, validates and stages the rows; each full chunk is written once a further row shows it is not the last. */
  private async importInChunks(
    session: CustomerImportSession,
    run: CustomerImportRun,
    body: Readable,
    format: ImportFormat,
    chunkRows: number,
  ): Promise<void> {
    let chunk: Chunk = { rows: 0, errors: [] };
    let batch = '';
    for await (const item of readRecords(body, format)) {
      if (chunk.rows >= chunkRows) {
        await session.stage(batch);
        batch = '';
        await this.writeChunk(session, run, chunk, false);
        chunk = { rows: 0, errors: [] };
      }
      run.total += 1;
      batch += this.validate(session, run, chunk, item);
      if (run.total % PROGRESS_EVERY === 0) {
        await session.stage(batch);
        batch = '';
        await this.jobs.progress(run.importId, run.total, run.failed, run.imported);
      }
    }
    await session.stage(batch);
    await this.writeChunk(session, run, chunk, true);
  }

  /** A valid row as staging text ('' for a bad one, whose errors join the chunk's). */
  private validate(session: CustomerImportSession, run: CustomerImportRun, chunk: Chunk, item: SourceItem): string {
    if ('error' in item) {
      run.failedRead += 1;
      chunk.errors.push({ line: item.line, field: null, message: item.error });
      return '';
    }
    const result = this.validator.validate(item.record);
    if (result.row === null) {
      run.failedRead += 1;
      for (const e of result.errors) chunk.errors.push({ line: item.line, field: e.field, message: e.message });
      return '';
    }
    chunk.rows += 1;
    const now = Date.now();
    return session.encode({
      line: item.line,
      id: timeOrderedUuid(now),
      eventId: timeOrderedUuid(now),
      row: result.row,
      // The contact fingerprints customer.created carries (base64url: never a ';', tab or backslash).
      fingerprints: this.fingerprints.of({ phone: result.row.phone, email: result.row.email }),
    });
  }

  /** The rest of a chunk's transaction once its rows are staged; the last chunk need not remember its contacts. */
  private async writeChunk(
    session: CustomerImportSession,
    run: CustomerImportRun,
    chunk: Chunk,
    last: boolean,
  ): Promise<void> {
    await run.time('copyEndMs', () => session.endCopy());
    await run.time('writeChunkMs', async () => {
      await session.analyzeStagedRows();
      const duplicates = await run.time('duplicatesMs', () => session.removeDuplicates());
      const imported = await run.time('insertCustomersMs', () => session.insertCustomers(run.owner, run.createdAt));
      await run.time('insertEventsMs', () => session.insertCreatedEvents(run.owner, run.createdAt));
      await this.jobs.addErrors(session.manager, run.importId, run.keep(chunk.errors.concat(duplicates)));
      if (!last) await run.time('rememberMs', () => session.rememberContacts());
      await run.time('commitMs', () => session.commit());
      run.imported += imported;
      run.failedDuplicates += duplicates.length;
      await this.jobs.progress(run.importId, run.total, run.failed, run.imported);
    });
  }
}
