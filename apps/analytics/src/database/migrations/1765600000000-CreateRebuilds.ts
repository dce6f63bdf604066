import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rebuilds of the read models from the topics (apps/analytics/src/rebuilds): one row each, with the
 * partitions' targets and how far the replay got. At most one is running (the partial unique index),
 * across every replica.
 */
export class CreateRebuilds1765600000000 implements MigrationInterface {
  name = 'CreateRebuilds1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE analytics.rebuilds (
        id             uuid PRIMARY KEY,
        state          text NOT NULL CHECK (state IN ('running', 'completed', 'failed')),
        phase          text NOT NULL CHECK (phase IN ('stopping', 'replaying', 'done')),
        requested_by   text NOT NULL,
        started_at     timestamptz NOT NULL,
        replay_from    timestamptz,
        finished_at    timestamptz,
        heartbeat_at   timestamptz NOT NULL,
        tables         jsonb NOT NULL,
        partitions     jsonb NOT NULL,
        events_applied bigint NOT NULL DEFAULT 0,
        error          text
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX rebuilds_one_running ON analytics.rebuilds ((true)) WHERE state = 'running'`,
    );
    await queryRunner.query(`CREATE INDEX rebuilds_started_at ON analytics.rebuilds (started_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE analytics.rebuilds`);
  }
}
