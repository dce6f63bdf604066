import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox and inbox tables every service has in its own schema. A statement-level trigger
 * NOTIFYs the relay when rows are committed, so publishing does not wait for the next poll.
 */
export function messagingTablesMigration(schema: string): new () => MigrationInterface {
  const s = quoteIdent(schema);
  const channel = `${schema}_outbox`;
  return class MessagingTables1764000000000 implements MigrationInterface {
    name = 'MessagingTables1764000000000';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`
        CREATE TABLE ${s}.outbox (
          seq          bigserial PRIMARY KEY,
          event_id     uuid NOT NULL UNIQUE,
          event_type   text NOT NULL,
          topic        text NOT NULL,
          message_key  text NOT NULL,
          headers      jsonb NOT NULL,
          payload      text NOT NULL,
          created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
          published_at timestamptz
        )`);
      await queryRunner.query(`CREATE INDEX outbox_unpublished ON ${s}.outbox (seq) WHERE published_at IS NULL`);
      await queryRunner.query(
        `CREATE INDEX outbox_published_at ON ${s}.outbox (published_at) WHERE published_at IS NOT NULL`,
      );
      await queryRunner.query(`
        CREATE FUNCTION ${s}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('${channel}', '');
          RETURN NULL;
        END $$`);
      await queryRunner.query(`
        CREATE TRIGGER outbox_notify AFTER INSERT ON ${s}.outbox
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.outbox_notify()`);
      await queryRunner.query(`
        CREATE TABLE ${s}.inbox (
          event_id    uuid PRIMARY KEY,
          event_type  text NOT NULL,
          topic       text NOT NULL,
          received_at timestamptz NOT NULL DEFAULT now()
        )`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE ${s}.inbox`);
      await queryRunner.query(`DROP TRIGGER outbox_notify ON ${s}.outbox`);
      await queryRunner.query(`DROP FUNCTION ${s}.outbox_notify()`);
      await queryRunner.query(`DROP TABLE ${s}.outbox`);
    }
  };
}

export function outboxChannel(schema: string): string {
  return `${schema}_outbox`;
}

export function quoteIdent(identifier: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(identifier)) throw new Error(`unsafe SQL identifier: ${identifier}`);
  return `"${identifier}"`;
}
