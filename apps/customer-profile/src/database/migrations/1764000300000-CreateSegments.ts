import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Saved segments (dynamic: a definition evaluated at read time; static: hand-picked members) and
 * the members of static lists. Indexes serve the segment filters that the earlier migrations do not
 * cover (tags and custom fields have GIN indexes already).
 */
export class CreateSegments1764000300000 implements MigrationInterface {
  name = 'CreateSegments1764000300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customer_profile.segments (
        id          uuid PRIMARY KEY,
        name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        description text,
        kind        text NOT NULL CHECK (kind IN ('dynamic', 'static')),
        definition  jsonb,
        owner_id    text NOT NULL,
        team        text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        version     integer NOT NULL DEFAULT 1,
        CHECK ((kind = 'dynamic') = (definition IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX segments_name ON customer_profile.segments (name, id)`);
    await queryRunner.query(`
      CREATE TABLE customer_profile.segment_members (
        segment_id  uuid NOT NULL REFERENCES customer_profile.segments (id) ON DELETE CASCADE,
        customer_id uuid NOT NULL REFERENCES customer_profile.customers (id),
        added_by    text NOT NULL,
        added_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (segment_id, customer_id)
      )`);
    await queryRunner.query(`CREATE INDEX segment_members_customer ON customer_profile.segment_members (customer_id)`);
    await queryRunner.query(`CREATE INDEX customers_segment_stage ON customer_profile.customers (lifecycle_stage)`);
    await queryRunner.query(
      `CREATE INDEX customers_segment_birthday ON customer_profile.customers (birthday) WHERE birthday IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX purchase_summary_segment_last ON customer_profile.customer_purchase_summary (last_purchase_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX customer_profile.purchase_summary_segment_last`);
    await queryRunner.query(`DROP INDEX customer_profile.customers_segment_birthday`);
    await queryRunner.query(`DROP INDEX customer_profile.customers_segment_stage`);
    await queryRunner.query(`DROP TABLE customer_profile.segment_members`);
    await queryRunner.query(`DROP TABLE customer_profile.segments`);
  }
}
