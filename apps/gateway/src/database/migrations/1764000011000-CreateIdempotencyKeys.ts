import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIdempotencyKeys1764000011000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1764000011000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gateway.idempotency_keys (
        caller        text NOT NULL,
        key           text NOT NULL,
        request_hash  text NOT NULL,
        status        integer,
        content_type  text,
        response      text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        completed_at  timestamptz,
        PRIMARY KEY (caller, key)
      )`);
    await queryRunner.query(`CREATE INDEX idempotency_keys_created_at ON gateway.idempotency_keys (created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE gateway.idempotency_keys`);
  }
}
