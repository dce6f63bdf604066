import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Analytics' read model of customers, built only from events. */
export class CreateCustomerFacts1764000002000 implements MigrationInterface {
  name = 'CreateCustomerFacts1764000002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE analytics.customer_facts (
        customer_id    uuid PRIMARY KEY,
        kind           text NOT NULL,
        source_channel text,
        created_at     timestamptz NOT NULL,
        first_seen_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE analytics.customer_facts`);
  }
}
