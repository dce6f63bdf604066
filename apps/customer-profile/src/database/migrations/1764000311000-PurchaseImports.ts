import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Imports of purchases beside imports of customers; rows of orders already recorded are counted as skipped. */
export class PurchaseImports1764000311000 implements MigrationInterface {
  name = 'PurchaseImports1764000311000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE customer_profile.imports
        ADD COLUMN type text NOT NULL DEFAULT 'customers' CHECK (type IN ('customers', 'purchases')),
        ADD COLUMN rows_skipped integer NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE customer_profile.imports DROP COLUMN rows_skipped, DROP COLUMN type`);
  }
}
