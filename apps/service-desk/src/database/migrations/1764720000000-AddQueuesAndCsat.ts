import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Routing and satisfaction: the customer's value tier and VIP flag on its reference (from analytics'
 * and loyalty's events), queues with members and match rules (a general fallback and a vip queue to
 * start with), the VIP flag on a ticket (lists show VIP tickets first), a history kind for ratings, and
 * one CSAT request per resolution of a ticket.
 */
export class AddQueuesAndCsat1764720000000 implements MigrationInterface {
  name = 'AddQueuesAndCsat1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE service_desk.customer_refs
        ADD COLUMN value_tier       text CHECK (value_tier IN ('A', 'B', 'C')),
        ADD COLUMN value_tier_at    timestamptz,
        ADD COLUMN loyalty_tier     text,
        ADD COLUMN loyalty_tier_at  timestamptz,
        ADD COLUMN vip              boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`
      CREATE TABLE service_desk.queues (
        name        text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        team        text NOT NULL,
        lead        text,
        members     text[] NOT NULL DEFAULT '{}',
        available   text[],
        assignment  text NOT NULL CHECK (assignment IN ('round-robin', 'least-loaded', 'manual')),
        match       jsonb NOT NULL DEFAULT '{}'::jsonb,
        priority    integer NOT NULL DEFAULT 100,
        vip         boolean NOT NULL DEFAULT false,
        -- round-robin: the index in members of the last one assigned (moved under the queue's row lock)
        rr_cursor   integer NOT NULL DEFAULT -1,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    // One VIP queue at most: routing needs to know which.
    await queryRunner.query(`CREATE UNIQUE INDEX queues_one_vip ON service_desk.queues (vip) WHERE vip`);
    await queryRunner.query(`
      INSERT INTO service_desk.queues (name, team, lead, members, assignment, match, priority, vip) VALUES
        ('general', 'north', 'manager', '{}', 'manual', '{}'::jsonb, 1000000, false),
        ('vip', 'north', 'manager', '{}', 'manual', '{}'::jsonb, 0, true)`);

    await queryRunner.query(`ALTER TABLE service_desk.tickets ADD COLUMN vip boolean NOT NULL DEFAULT false`);
    await queryRunner.query(
      `CREATE INDEX tickets_vip_received ON service_desk.tickets (vip DESC, received_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX tickets_queue_open ON service_desk.tickets (queue, assignee)
        WHERE status NOT IN ('resolved', 'closed')`,
    );
    await queryRunner.query(
      `CREATE INDEX tickets_assignee_open ON service_desk.tickets (assignee) WHERE status NOT IN ('resolved', 'closed')`,
    );
    await queryRunner.query(`ALTER TABLE service_desk.ticket_history DROP CONSTRAINT ticket_history_kind_check`);
    await queryRunner.query(`
      ALTER TABLE service_desk.ticket_history ADD CONSTRAINT ticket_history_kind_check
        CHECK (kind IN ('created', 'updated', 'transition', 'reply', 'note', 'csat'))`);

    await queryRunner.query(`
      CREATE TABLE service_desk.ticket_csat (
        ticket_id     uuid NOT NULL REFERENCES service_desk.tickets (id),
        resolution    integer NOT NULL CHECK (resolution > 0),
        requested_at  timestamptz NOT NULL,
        expires_at    timestamptz NOT NULL,
        rating        integer CHECK (rating BETWEEN 1 AND 5),
        comment       text,
        submitted_at  timestamptz,
        PRIMARY KEY (ticket_id, resolution),
        CHECK ((rating IS NULL) = (submitted_at IS NULL))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE service_desk.ticket_csat`);
    await queryRunner.query(`ALTER TABLE service_desk.ticket_history DROP CONSTRAINT ticket_history_kind_check`);
    await queryRunner.query(`
      ALTER TABLE service_desk.ticket_history ADD CONSTRAINT ticket_history_kind_check
        CHECK (kind IN ('created', 'updated', 'transition', 'reply', 'note'))`);
    await queryRunner.query(`DROP INDEX service_desk.tickets_assignee_open`);
    await queryRunner.query(`DROP INDEX service_desk.tickets_queue_open`);
    await queryRunner.query(`DROP INDEX service_desk.tickets_vip_received`);
    await queryRunner.query(`ALTER TABLE service_desk.tickets DROP COLUMN vip`);
    await queryRunner.query(`DROP TABLE service_desk.queues`);
    await queryRunner.query(`
      ALTER TABLE service_desk.customer_refs
        DROP COLUMN vip, DROP COLUMN loyalty_tier_at, DROP COLUMN loyalty_tier,
        DROP COLUMN value_tier_at, DROP COLUMN value_tier`);
  }
}
