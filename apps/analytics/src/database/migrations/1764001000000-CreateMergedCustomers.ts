import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Ids merged into another customer: late events for them are dropped, erasure removes them. */
export class CreateMergedCustomers1764001000000 implements MigrationInterface {
  name = 'CreateMergedCustomers1764001000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE analytics.merged_customers (
        merged_customer_id   uuid PRIMARY KEY,
        survivor_customer_id uuid NOT NULL,
        merged_at            timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX merged_customers_survivor ON analytics.merged_customers (survivor_customer_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE analytics.merged_customers`);
  }
}
