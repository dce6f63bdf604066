import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export type ImportType = 'customers' | 'purchases';

export interface ImportJob {
  id: string;
  format: string;
  type: ImportType;
  status: 'running' | 'completed' | 'failed';
  rowsTotal: number;
  rowsDone: number;
  rowsImported: number;
  rowsFailed: number;
  rowsSkipped: number;
  error: string | null;
  createdBy: string;
  startedAt: Date;
  finishedAt: Date | null;
}

/** A row of the upload that was not imported, and why (field null: the line could not be read at all). */
export interface ImportRowError {
  line: number;
  field: string | null;
  message: string;
}

/** Rows read, imported, refused and (purchases) skipped as already recorded. */
export interface ImportCounts {
  total: number;
  imported: number;
  failed: number;
  skipped: number;
}

const JOB_COLUMNS = `id, format, type, status, rows_total AS "rowsTotal", rows_done AS "rowsDone", rows_imported AS "rowsImported", rows_failed AS "rowsFailed",
  rows_skipped AS "rowsSkipped", error, created_by AS "createdBy", started_at AS "startedAt", finished_at AS "finishedAt"`;

/**
 * Import jobs. Progress and failure are written outside the import's own transaction (others see a
 * running import move); errors and completion inside it, on the import's own connection (`manager`).
 */
@Injectable()
export class ImportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(id: string, format: string, createdBy: string, type: ImportType = 'customers'): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO customer_profile.imports (id, format, type, status, created_by) VALUES ($1, $2, $4, 'running', $3)`,
      [id, format, createdBy, type],
    );
  }

  /** Rows read so far, failed so far, and imported (committed) so far. */
  async progress(id: string, total: number, failed: number, imported: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE customer_profile.imports SET rows_total = $2, rows_done = $2, rows_failed = $3, rows_imported = $4 WHERE id = $1 AND status = 'running'`,
      [id, total, failed, imported],
    );
  }

  async fail(id: string, total: number, message: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE customer_profile.imports SET status = 'failed', rows_total = $2, error = $3, finished_at = now() WHERE id = $1`,
      [id, total, message],
    );
  }

  /** The rows' errors in one statement. */
  async addErrors(manager: EntityManager, id: string, errors: readonly ImportRowError[]): Promise<void> {
    if (errors.length === 0) return;
    await manager.query(
      `INSERT INTO customer_profile.import_errors (import_id, row_no, field, message) SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[])`,
      [id, errors.map((e) => e.line), errors.map((e) => e.field), errors.map((e) => e.message)],
    );
  }

  async complete(manager: EntityManager, id: string, counts: ImportCounts): Promise<void> {
    await manager.query(
      `UPDATE customer_profile.imports SET status = 'completed', rows_total = $2, rows_done = $2, rows_imported = $3, rows_failed = $4, rows_skipped = $5,
              finished_at = clock_timestamp() WHERE id = $1`,
      [id, counts.total, counts.imported, counts.failed, counts.skipped],
    );
  }

  async find(id: string, createdBy: string | null): Promise<ImportJob | null> {
    const rows: ImportJob[] = await this.dataSource.query(
      `SELECT ${JOB_COLUMNS} FROM customer_profile.imports WHERE id = $1 AND ($2::text IS NULL OR created_by = $2)`,
      [id, createdBy],
    );
    return rows[0] ?? null;
  }

  async list(createdBy: string | null, limit: number): Promise<ImportJob[]> {
    return this.dataSource.query(
      `SELECT ${JOB_COLUMNS} FROM customer_profile.imports WHERE ($1::text IS NULL OR created_by = $1) ORDER BY started_at DESC, id DESC LIMIT $2`,
      [createdBy, limit],
    );
  }

  async errors(id: string, limit: number): Promise<ImportRowError[]> {
    return this.dataSource.query(
      `SELECT row_no AS line, field, message FROM customer_profile.import_errors WHERE import_id = $1 ORDER BY row_no, field LIMIT $2`,
      [id, limit],
    );
  }
}
