import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * RFM and value tiers (issue 16, item 1): what each customer bought, netted of refunds (from
 * customer-profile's purchase events), the scores last computed for them, and the full scoring runs
 * with the cut points they computed.
 */
export class CreateRfmScores1764900000000 implements MigrationInterface {
  name = 'CreateRfmScores1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE analytics.customer_value_facts (
        customer_id       uuid PRIMARY KEY,
        first_purchase_at timestamptz,
        last_purchase_at  timestamptz,
        purchase_count    integer NOT NULL DEFAULT 0 CHECK (purchase_count >= 0),
        monetary          numeric(20, 4) NOT NULL DEFAULT 0,
        refunded          numeric(20, 4) NOT NULL DEFAULT 0,
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE analytics.scoring_runs (
        id              uuid PRIMARY KEY,
        started_at      timestamptz NOT NULL,
        finished_at     timestamptz,
        customers       integer NOT NULL DEFAULT 0,
        changed         integer NOT NULL DEFAULT 0,
        cuts            jsonb
      )`);
    await queryRunner.query(`CREATE INDEX scoring_runs_started_at ON analytics.scoring_runs (started_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE analytics.customer_scores (
        customer_id      uuid PRIMARY KEY,
        recency          smallint NOT NULL CHECK (recency BETWEEN 1 AND 5),
        frequency        smallint NOT NULL CHECK (frequency BETWEEN 1 AND 5),
        monetary         smallint NOT NULL CHECK (monetary BETWEEN 1 AND 5),
        value_tier       text NOT NULL CHECK (value_tier IN ('A', 'B', 'C')),
        recency_days     integer NOT NULL,
        purchase_count   integer NOT NULL,
        monetary_value   numeric(20, 4) NOT NULL,
        last_purchase_at timestamptz NOT NULL,
        cuts             jsonb NOT NULL,
        computed_at      timestamptz NOT NULL,
        run_id           uuid REFERENCES analytics.scoring_runs (id) ON DELETE SET NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE analytics.customer_scores`);
    await queryRunner.query(`DROP TABLE analytics.scoring_runs`);
    await queryRunner.query(`DROP TABLE analytics.customer_value_facts`);
  }
}
