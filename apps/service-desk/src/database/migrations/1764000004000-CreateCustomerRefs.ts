import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Service-desk's local copy of the customers it may open tickets for, built from customer events. */
export class CreateCustomerRefs1764000004000 implements MigrationInterface {
  name = 'CreateCustomerRefs1764000004000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE service_desk.customer_refs (
        customer_id   uuid PRIMARY KEY,
        kind          text NOT NULL,
        created_at    timestamptz NOT NULL,
        known_since   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE service_desk.customer_refs`);
  }
}
