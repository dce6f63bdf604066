import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The phones and emails GIN indexes hold one or two keys per customer and are probed for every row
 * of an import and every create (duplicate detection). With the default fast update, new entries
 * wait in a pending list that each probe scans whole — after a large import chunk, thousands of
 * entries per probe. Written straight into the index instead, each probe stays a tree lookup.
 */
export class ExactContactIndexes1764000310000 implements MigrationInterface {
  name = 'ExactContactIndexes1764000310000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER INDEX customer_profile.customers_phones SET (fastupdate = off)`);
    await queryRunner.query(`ALTER INDEX customer_profile.customers_emails SET (fastupdate = off)`);
    // Entries already pending are merged now (turning fastupdate off does not flush them).
    await queryRunner.query(`SELECT gin_clean_pending_list('customer_profile.customers_phones'::regclass)`);
    await queryRunner.query(`SELECT gin_clean_pending_list('customer_profile.customers_emails'::regclass)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER INDEX customer_profile.customers_phones RESET (fastupdate)`);
    await queryRunner.query(`ALTER INDEX customer_profile.customers_emails RESET (fastupdate)`);
  }
}
