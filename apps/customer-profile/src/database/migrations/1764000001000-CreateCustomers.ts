import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCustomers1764000001000 implements MigrationInterface {
  name = 'CreateCustomers1764000001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customer_profile.customers (
        id             uuid PRIMARY KEY,
        kind           text NOT NULL CHECK (kind IN ('person', 'organisation')),
        name           text NOT NULL,
        email          text,
        phone          text,
        source_channel text,
        owner_id       text,
        team           text,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        version        integer NOT NULL DEFAULT 1
      )`);
    await queryRunner.query(`CREATE INDEX customers_created_at ON customer_profile.customers (created_at, id)`);
    await queryRunner.query(`CREATE INDEX customers_owner ON customer_profile.customers (owner_id)`);
    await queryRunner.query(`CREATE INDEX customers_team ON customer_profile.customers (team)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE customer_profile.customers`);
  }
}
