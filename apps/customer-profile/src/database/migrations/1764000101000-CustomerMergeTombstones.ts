import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A merged customer stays as a tombstone pointing at its survivor, so reads of the old id redirect. */
export class CustomerMergeTombstones1764000101000 implements MigrationInterface {
  name = 'CustomerMergeTombstones1764000101000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE customer_profile.customers ADD COLUMN merged_into uuid REFERENCES customer_profile.customers (id)`,
    );
    await queryRunner.query(
      `CREATE INDEX customers_merged_into ON customer_profile.customers (merged_into) WHERE merged_into IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE customer_profile.customers DROP COLUMN merged_into`);
  }
}
