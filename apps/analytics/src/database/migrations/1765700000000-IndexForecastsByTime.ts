import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The executive view asks for the latest forecast of one request made within a day on every read
 * (forecasts.repository latest): newest first by creation, instead of a scan of every forecast made.
 */
export class IndexForecastsByTime1765700000000 implements MigrationInterface {
  name = 'IndexForecastsByTime1765700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX forecasts_created ON analytics.forecasts (created_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX analytics.forecasts_created`);
  }
}
