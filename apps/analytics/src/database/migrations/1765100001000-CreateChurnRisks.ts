import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Churn warning (issue 16, item 3): each customer's last assessed risk with its drivers, so a rise
 * across the threshold is told once (churn.risk-raised) and the customer view can show why.
 */
export class CreateChurnRisks1765100001000 implements MigrationInterface {
  name = 'CreateChurnRisks1765100001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE analytics.churn_risks (
        customer_id              uuid PRIMARY KEY,
        risk                     double precision NOT NULL CHECK (risk BETWEEN 0 AND 1),
        p_alive                  double precision NOT NULL CHECK (p_alive BETWEEN 0 AND 1),
        method                   text NOT NULL CHECK (method IN ('bgnbd', 'recency')),
        days_since_last_purchase integer NOT NULL,
        drivers                  jsonb NOT NULL,
        fit_id                   uuid,
        computed_at              timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE analytics.churn_risks`);
  }
}
