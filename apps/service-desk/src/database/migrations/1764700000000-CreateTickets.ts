import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tickets and their append-only history. An erased customer's tickets stay as anonymous counts (no
 * customer id, no texts), so a ticket's customer id and texts may become null; the history refuses
 * deletes and every update but the removal of a text (the erasure).
 */
export class CreateTickets1764700000000 implements MigrationInterface {
  name = 'CreateTickets1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE service_desk.tickets (
        id                uuid PRIMARY KEY,
        customer_id       uuid,
        type              text NOT NULL CHECK (type IN ('complaint', 'inquiry', 'request', 'feedback')),
        channel           text NOT NULL
                            CHECK (channel IN ('phone', 'email', 'sms', 'wechat', 'weibo', 'chat', 'visit', 'web-form')),
        subject           text,
        description       text,
        priority          text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
        category          text,
        queue             text,
        assignee          text,
        team              text NOT NULL,
        status            text NOT NULL CHECK (status IN ('received', 'acknowledged', 'investigating',
                            'pending-customer', 'resolved', 'reopened', 'closed')),
        version           integer NOT NULL DEFAULT 1,
        received_at       timestamptz NOT NULL,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        first_replied_at  timestamptz,
        resolved_at       timestamptz,
        closed_at         timestamptz,
        reopened_count    integer NOT NULL DEFAULT 0,
        erased_at         timestamptz,
        CHECK (erased_at IS NOT NULL OR (customer_id IS NOT NULL AND subject IS NOT NULL AND description IS NOT NULL))
      )`);
    // Lists: newest received first, within a caller's rows (team, assignee) or a customer's.
    await queryRunner.query(`CREATE INDEX tickets_received ON service_desk.tickets (received_at DESC, id DESC)`);
    await queryRunner.query(
      `CREATE INDEX tickets_team_received ON service_desk.tickets (team, received_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX tickets_assignee_received ON service_desk.tickets (assignee, received_at DESC, id DESC)
        WHERE assignee IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX tickets_customer ON service_desk.tickets (customer_id)`);
    await queryRunner.query(`
      CREATE TABLE service_desk.ticket_history (
        ticket_id    uuid NOT NULL REFERENCES service_desk.tickets (id),
        seq          integer NOT NULL,
        at           timestamptz NOT NULL DEFAULT now(),
        actor        text NOT NULL,
        kind         text NOT NULL CHECK (kind IN ('created', 'updated', 'transition', 'reply', 'note')),
        from_status  text,
        to_status    text,
        detail       jsonb NOT NULL DEFAULT '{}'::jsonb,
        PRIMARY KEY (ticket_id, seq)
      )`);
    await queryRunner.query(`
      CREATE FUNCTION service_desk.ticket_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'ticket_history is append-only';
        END IF;
        IF (NEW.ticket_id, NEW.seq, NEW.at, NEW.actor, NEW.kind, NEW.from_status, NEW.to_status)
             IS DISTINCT FROM (OLD.ticket_id, OLD.seq, OLD.at, OLD.actor, OLD.kind, OLD.from_status, OLD.to_status)
           OR NOT (NEW.detail <@ OLD.detail) THEN
          RAISE EXCEPTION 'ticket_history is append-only (only the erasure of a text may change an entry)';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER ticket_history_append_only BEFORE UPDATE OR DELETE ON service_desk.ticket_history
        FOR EACH ROW EXECUTE FUNCTION service_desk.ticket_history_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE service_desk.ticket_history`);
    await queryRunner.query(`DROP FUNCTION service_desk.ticket_history_append_only()`);
    await queryRunner.query(`DROP TABLE service_desk.tickets`);
  }
}
