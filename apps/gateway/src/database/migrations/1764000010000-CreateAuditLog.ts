import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Append-only: a trigger refuses UPDATE and DELETE, even for the gateway's own role. */
export class CreateAuditLog1764000010000 implements MigrationInterface {
  name = 'CreateAuditLog1764000010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gateway.audit_log (
        id            bigserial PRIMARY KEY,
        at            timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor         text NOT NULL,
        client_id     text,
        roles         text[] NOT NULL,
        action        text NOT NULL,
        resource_type text NOT NULL,
        resource_id   text,
        pii_unmasked  boolean NOT NULL,
        status        integer NOT NULL,
        trace_id      text,
        request_id    text
      )`);
    await queryRunner.query(
      `CREATE INDEX audit_log_resource ON gateway.audit_log (resource_type, resource_id, at DESC, id DESC)`,
    );
    await queryRunner.query(`CREATE INDEX audit_log_actor ON gateway.audit_log (actor, at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX audit_log_at ON gateway.audit_log (at DESC, id DESC)`);
    await queryRunner.query(`
      CREATE FUNCTION gateway.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON gateway.audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION gateway.audit_log_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE gateway.audit_log`);
    await queryRunner.query(`DROP FUNCTION gateway.audit_log_append_only()`);
  }
}
