import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lifetime value (issue 16, item 2): each fit of BG/NBD and Gamma-Gamma, with the data it saw, its
 * parameters and its holdout check. Holds no customer id (aggregates only), so it is outside the
 * subject-rights contract; per-customer values are computed on read from the purchase ledger.
 */
export class CreateClvFits1765100000000 implements MigrationInterface {
  name = 'CreateClvFits1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE analytics.clv_fits (
        id               uuid PRIMARY KEY,
        status           text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
        requested_at     timestamptz NOT NULL,
        requested_by     text,
        finished_at      timestamptz,
        calibration_end  timestamptz NOT NULL,
        holdout_end      timestamptz CHECK (holdout_end > calibration_end),
        data             jsonb,
        bgnbd            jsonb,
        gamma_gamma      jsonb,
        holdout          jsonb,
        error            jsonb,
        duration_ms      integer
      )`);
    await queryRunner.query(
      `CREATE INDEX clv_fits_succeeded ON analytics.clv_fits (finished_at DESC) WHERE status = 'succeeded'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE analytics.clv_fits`);
  }
}
