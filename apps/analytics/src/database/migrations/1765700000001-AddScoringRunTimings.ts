import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Where a full scoring run's time went, per step in ms (rfm.service runIfDue). */
export class AddScoringRunTimings1765700000001 implements MigrationInterface {
  name = 'AddScoringRunTimings1765700000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE analytics.scoring_runs ADD COLUMN timings jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE analytics.scoring_runs DROP COLUMN timings`);
  }
}
