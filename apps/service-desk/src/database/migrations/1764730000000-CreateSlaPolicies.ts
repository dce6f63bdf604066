import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_SLA_POLICY } from '../../sla/default-policy';

/**
 * SLA policies and the SLA state of tickets: the policy document's versions (append-only; the current
 * one is the highest), per ticket its targets, due times and the intervals its clock was held, the
 * pending SLA timers the scheduler claims (warning levels, breaches, escalations; fired once), and on the
 * ticket its earliest open due time (the list's order: VIP first, then the earliest due; none last).
 * Tickets opened before this migration get their SLA at the next bulk recompute (a PUT of the policy).
 */
export class CreateSlaPolicies1764730000000 implements MigrationInterface {
  name = 'CreateSlaPolicies1764730000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE service_desk.sla_policies (
        version     integer PRIMARY KEY,
        calendar_id uuid NOT NULL REFERENCES service_desk.business_calendars (id),
        document    jsonb NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        updated_by  text NOT NULL
      )`);
    await queryRunner.query(
      `INSERT INTO service_desk.sla_policies (version, calendar_id, document, updated_by) VALUES (1, $1, $2::jsonb, 'migration')`,
      [DEFAULT_SLA_POLICY.calendarId, JSON.stringify(DEFAULT_SLA_POLICY)],
    );
    await queryRunner.query(`
      CREATE TABLE service_desk.ticket_sla (
        ticket_id               uuid PRIMARY KEY REFERENCES service_desk.tickets (id),
        policy_version          integer NOT NULL,
        calendar_id             uuid NOT NULL,
        calendar_version        integer NOT NULL,
        tier                    text NOT NULL CHECK (tier IN ('VIP', 'A', 'B', 'C', 'none')),
        first_response_minutes  integer NOT NULL,
        resolution_minutes      integer NOT NULL,
        first_response_due      timestamptz,
        resolution_due          timestamptz,
        first_response_state    text NOT NULL CHECK (first_response_state IN ('running', 'paused', 'met', 'breached')),
        resolution_state        text NOT NULL CHECK (resolution_state IN ('running', 'paused', 'met', 'breached')),
        -- [{from, to, reason}]: pending-customer pauses and resolved stops (closed by a reopening)
        holds                   jsonb NOT NULL DEFAULT '[]'::jsonb,
        -- when the first escalation level (or 80 %) of a running target is reached: the list's at-risk
        risk_at                 timestamptz,
        warned                  boolean NOT NULL DEFAULT false,
        breached                boolean NOT NULL DEFAULT false,
        computed_at             timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE service_desk.sla_timers (
        ticket_id  uuid NOT NULL REFERENCES service_desk.tickets (id),
        target     text NOT NULL CHECK (target IN ('first-response', 'resolution')),
        level      integer NOT NULL CHECK (level BETWEEN 1 AND 100),
        action     text NOT NULL CHECK (action IN ('notify', 'raise-priority', 'reassign-to-lead')),
        fire_at    timestamptz NOT NULL,
        fired_at   timestamptz,
        PRIMARY KEY (ticket_id, target, level)
      )`);
    await queryRunner.query(
      `CREATE INDEX sla_timers_pending ON service_desk.sla_timers (fire_at) WHERE fired_at IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE service_desk.tickets ADD COLUMN sla_due_at timestamptz NOT NULL DEFAULT 'infinity'`,
    );
    await queryRunner.query(`CREATE INDEX tickets_vip_sla_due ON service_desk.tickets ((NOT vip), sla_due_at, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX service_desk.tickets_vip_sla_due`);
    await queryRunner.query(`ALTER TABLE service_desk.tickets DROP COLUMN sla_due_at`);
    await queryRunner.query(`DROP TABLE service_desk.sla_timers`);
    await queryRunner.query(`DROP TABLE service_desk.ticket_sla`);
    await queryRunner.query(`DROP TABLE service_desk.sla_policies`);
  }
}
