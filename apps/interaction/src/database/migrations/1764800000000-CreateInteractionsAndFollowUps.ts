import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The interaction log (every contact with a customer on every channel), follow-ups, and the durable
 * timers of follow-ups: one row per reminder or overdue instant, claimed with FOR UPDATE SKIP LOCKED and
 * marked fired in the transaction that writes its event, so each fires once across restarts and replicas.
 */
export class CreateInteractionsAndFollowUps1764800000000 implements MigrationInterface {
  name = 'CreateInteractionsAndFollowUps1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE interaction.follow_ups (
        id              uuid PRIMARY KEY,
        customer_id     uuid NOT NULL,
        assignee        text NOT NULL,
        team            text,
        channel         text NOT NULL,
        due_at          timestamptz NOT NULL,
        remind_at       timestamptz NOT NULL,
        note            text,
        snooze_count    integer NOT NULL DEFAULT 0,
        completed_at    timestamptz,
        interaction_id  uuid,
        created_by      text NOT NULL,
        created_at      timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX follow_ups_assignee_due ON interaction.follow_ups (assignee, due_at, id)`);
    await queryRunner.query(`CREATE INDEX follow_ups_team_due ON interaction.follow_ups (team, due_at, id)`);
    await queryRunner.query(`CREATE INDEX follow_ups_customer ON interaction.follow_ups (customer_id)`);
    await queryRunner.query(`
      CREATE TABLE interaction.interactions (
        id                uuid PRIMARY KEY,
        customer_id       uuid NOT NULL,
        channel           text NOT NULL,
        direction         text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        occurred_at       timestamptz NOT NULL,
        agent             text NOT NULL,
        team              text,
        summary           text,
        outcome           text,
        duration_seconds  integer CHECK (duration_seconds >= 0),
        ticket_id         uuid,
        campaign_id       uuid,
        follow_up_id      uuid REFERENCES interaction.follow_ups (id) ON DELETE SET NULL,
        logged_by         text NOT NULL,
        logged_at         timestamptz NOT NULL
      )`);
    // the customer's timeline, newest first (keyset: occurred_at, id)
    await queryRunner.query(
      `CREATE INDEX interactions_customer_timeline ON interaction.interactions (customer_id, occurred_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX interactions_timeline ON interaction.interactions (occurred_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX interactions_agent_timeline ON interaction.interactions (agent, occurred_at DESC, id DESC)`,
    );
    await queryRunner.query(`CREATE INDEX interactions_follow_up ON interaction.interactions (follow_up_id)`);
    await queryRunner.query(`
      CREATE TABLE interaction.follow_up_timers (
        follow_up_id  uuid NOT NULL REFERENCES interaction.follow_ups (id) ON DELETE CASCADE,
        kind          text NOT NULL CHECK (kind IN ('due', 'overdue')),
        due_at        timestamptz NOT NULL,
        fire_at       timestamptz NOT NULL,
        fired_at      timestamptz,
        PRIMARY KEY (follow_up_id, kind, due_at)
      )`);
    await queryRunner.query(
      `CREATE INDEX follow_up_timers_pending ON interaction.follow_up_timers (fire_at) WHERE fired_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE interaction.follow_up_timers`);
    await queryRunner.query(`DROP TABLE interaction.interactions`);
    await queryRunner.query(`DROP TABLE interaction.follow_ups`);
  }
}
