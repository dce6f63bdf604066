import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Teams as data (members in round-robin order with the cursor of the next turn) and the scores
 * analytics sends (value tier, churn risk, when scored: older scores than the applied one are ignored).
 */
export class TeamsAndValueTiers1764000320000 implements MigrationInterface {
  name = 'TeamsAndValueTiers1764000320000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customer_profile.teams (
        team          text PRIMARY KEY,
        member_ids    text[] NOT NULL DEFAULT '{}',
        next_position integer NOT NULL DEFAULT 0 CHECK (next_position >= 0),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        updated_by    text
      )`);
    await queryRunner.query(`
      ALTER TABLE customer_profile.customers
        ADD COLUMN value_tier text CHECK (value_tier IN ('A', 'B', 'C')),
        ADD COLUMN churn_risk numeric(5, 4) CHECK (churn_risk BETWEEN 0 AND 1),
        ADD COLUMN scored_at  timestamptz`);
    await queryRunner.query(
      `CREATE INDEX customers_value_tier ON customer_profile.customers (value_tier) WHERE value_tier IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX customer_profile.customers_value_tier`);
    await queryRunner.query(
      `ALTER TABLE customer_profile.customers DROP COLUMN scored_at, DROP COLUMN churn_risk, DROP COLUMN value_tier`,
    );
    await queryRunner.query(`DROP TABLE customer_profile.teams`);
  }
}
