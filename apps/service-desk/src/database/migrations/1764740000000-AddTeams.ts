import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The teams of the service desk with their manager, whom the SLA escalation reassign-to-manager gives a
 * breached ticket (a team without a row, or without a manager, keeps its tickets where they are).
 */
export class AddTeams1764740000000 implements MigrationInterface {
  name = 'AddTeams1764740000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE service_desk.teams (
        name        text PRIMARY KEY,
        manager     text,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        updated_by  text NOT NULL
      )`);
    await queryRunner.query(`ALTER TABLE service_desk.sla_timers DROP CONSTRAINT sla_timers_action_check`);
    await queryRunner.query(`
      ALTER TABLE service_desk.sla_timers ADD CONSTRAINT sla_timers_action_check
        CHECK (action IN ('notify', 'raise-priority', 'reassign-to-lead', 'reassign-to-manager'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM service_desk.sla_timers WHERE action = 'reassign-to-manager'`);
    await queryRunner.query(`ALTER TABLE service_desk.sla_timers DROP CONSTRAINT sla_timers_action_check`);
    await queryRunner.query(`
      ALTER TABLE service_desk.sla_timers ADD CONSTRAINT sla_timers_action_check
        CHECK (action IN ('notify', 'raise-priority', 'reassign-to-lead'))`);
    await queryRunner.query(`DROP TABLE service_desk.teams`);
  }
}
