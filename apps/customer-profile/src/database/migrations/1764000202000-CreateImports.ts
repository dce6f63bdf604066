import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Bulk import jobs and their per-row error reports. Rows are staged in a temp table per import. */
export class CreateImports1764000202000 implements MigrationInterface {
  name = 'CreateImports1764000202000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customer_profile.imports (
        id            uuid PRIMARY KEY,
        format        text NOT NULL CHECK (format IN ('csv', 'ndjson')),
        status        text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
        rows_total    integer NOT NULL DEFAULT 0,
        rows_done     integer NOT NULL DEFAULT 0,
        rows_imported integer NOT NULL DEFAULT 0,
        rows_failed   integer NOT NULL DEFAULT 0,
        error         text,
        created_by    text NOT NULL,
        started_at    timestamptz NOT NULL DEFAULT now(),
        finished_at   timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX imports_created_by ON customer_profile.imports (created_by, started_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE customer_profile.import_errors (
        import_id uuid NOT NULL REFERENCES customer_profile.imports (id) ON DELETE CASCADE,
        row_no    integer NOT NULL,
        field     text,
        message   text NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX import_errors_import ON customer_profile.import_errors (import_id, row_no)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE customer_profile.import_errors`);
    await queryRunner.query(`DROP TABLE customer_profile.imports`);
  }
}
