import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Digests of erased customers' ids (purchase-ledger/erased-customers.repository.ts). */
export class CreateErasedCustomers1765600000001 implements MigrationInterface {
  name = 'CreateErasedCustomers1765600000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE analytics.erased_customers (customer_digest bytea PRIMARY KEY)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE analytics.erased_customers`);
  }
}
