import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whose data an audited read handed out (every customer of a list, search, segment read or export),
 * or whom a change touched: one row per customer and entry, written in the entry's transaction.
 * "Who has seen customer X's data?" is then one index range (customer_id, audit_id DESC).
 *
 * Append-only like gateway.audit_log, by the same trigger function: UPDATE, DELETE and TRUNCATE are
 * refused for every role. The trigger is what protects both tables. Privileges cannot: the gateway
 * has one database role, which owns its schema, runs these migrations and serves requests (the
 * local stack and the Helm chart's migration Job alike), and an owner may grant itself back any
 * privilege revoked from it, so `REVOKE UPDATE, DELETE, TRUNCATE … FROM CURRENT_USER` would only
 * look like a control. Disabling the trigger or dropping a table is DDL, which the service never
 * runs outside a migration. A deployment that splits a migrating owner from a runtime role should
 * grant the runtime role INSERT and SELECT only on both tables.
 */
export class CreateAuditSubjects1764000600000 implements MigrationInterface {
  name = 'CreateAuditSubjects1764000600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gateway.audit_subjects (
        audit_id    bigint NOT NULL REFERENCES gateway.audit_log (id),
        customer_id uuid NOT NULL,
        PRIMARY KEY (audit_id, customer_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX audit_subjects_customer ON gateway.audit_subjects (customer_id, audit_id DESC)`,
    );
    // Entries written before this table: a customer entry's subject is its resource. (Segment member
    // reads were written as resource_type 'customer' with the segment's id: not a customer.)
    await queryRunner.query(`
      INSERT INTO gateway.audit_subjects (audit_id, customer_id)
      SELECT id, resource_id::uuid
        FROM gateway.audit_log
       WHERE resource_type = 'customer'
         AND action NOT LIKE 'segment.%'
         AND resource_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`);
    await queryRunner.query(`
      CREATE TRIGGER audit_subjects_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON gateway.audit_subjects
      FOR EACH STATEMENT EXECUTE FUNCTION gateway.audit_log_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE gateway.audit_subjects`);
  }
}
