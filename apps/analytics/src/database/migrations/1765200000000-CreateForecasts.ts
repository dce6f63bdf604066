import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Forecasts (issue 16, item 4): each forecast asked for, kept as it was answered (the request and the
 * full view with its backtest), so GET /forecasts/{id} shows exactly what was decided then. No customer
 * ids: forecasts are aggregates, outside the subject-rights contract.
 */
export class CreateForecasts1765200000000 implements MigrationInterface {
  name = 'CreateForecasts1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE analytics.forecasts (
        id          uuid PRIMARY KEY,
        created_at  timestamptz NOT NULL,
        request     jsonb NOT NULL,
        view        jsonb NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE analytics.forecasts`);
  }
}
