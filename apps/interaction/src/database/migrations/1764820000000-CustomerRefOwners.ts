import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who owns each customer (from customer.created and ownership.changed): a cadence a lifecycle move starts
 * is worked by the customer's owner. Null owner: the customer is in the public pool.
 */
export class CustomerRefOwners1764820000000 implements MigrationInterface {
  name = 'CustomerRefOwners1764820000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE interaction.customer_refs ADD COLUMN owner_id text, ADD COLUMN team text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE interaction.customer_refs DROP COLUMN owner_id, DROP COLUMN team`);
  }
}
