import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Loyalty members: one account per customer, opened when customer-profile publishes customer.created. */
export class CreateMembers1764000005000 implements MigrationInterface {
  name = 'CreateMembers1764000005000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE loyalty.members (
        customer_id   uuid PRIMARY KEY,
        kind          text NOT NULL,
        created_at    timestamptz NOT NULL,
        known_since   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE loyalty.members`);
  }
}
