import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ImportJobRow {
  id: string;
  format: string;
  type: 'customers' | 'purchases';
  status: 'running' | 'completed' | 'failed';
  rows_total: number;
  rows_done: number;
  rows_imported: number;
  rows_failed: number;
  rows_skipped: number;
  error: string | null;
  created_by: string;
  started_at: Date;
  finished_at: Date | null;
}

const JOB_COLUMNS = 'id, format, type, status, rows_total, rows_done, rows_imported, rows_failed, rows_skipped, error, created_by, started_at, finished_at';

/** Import jobs as seen while they run: progress is written outside the import's own transaction. */
@Injectable()
export class ImportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(id: string, format: string, createdBy: string, type: ImportJobRow['type'] = 'customers'): Promise<void> {
    await this.dataSource.query(`INSERT INTO customer_profile.imports (id, format, type, status, created_by) VALUES ($1, $2, $4, 'running', $3)`, [
      id,
      format,
      createdBy,
      type,
    ]);
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

  async find(id: string, createdBy: string | null): Promise<ImportJobRow | null> {
    const rows: ImportJobRow[] = await this.dataSource.query(
      `SELECT ${JOB_COLUMNS} FROM customer_profile.imports WHERE id = $1 AND ($2::text IS NULL OR created_by = $2)`,
      [id, createdBy],
    );
    return rows[0] ?? null;
  }

  async list(createdBy: string | null, limit: number): Promise<ImportJobRow[]> {
    return this.dataSource.query(
      `SELECT ${JOB_COLUMNS} FROM customer_profile.imports WHERE ($1::text IS NULL OR created_by = $1) ORDER BY started_at DESC, id DESC LIMIT $2`,
      [createdBy, limit],
    );
  }

  async errors(id: string, limit: number): Promise<{ row_no: number; field: string | null; message: string }[]> {
    return this.dataSource.query(
      `SELECT row_no, field, message FROM customer_profile.import_errors WHERE import_id = $1 ORDER BY row_no, field LIMIT $2`,
      [id, limit],
    );
  }
}
