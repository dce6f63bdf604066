import type { EventEnvelope } from '@rapport/contracts';
import type { EntityManager } from 'typeorm';
import { quoteIdent } from './messaging-tables.migration';

/**
 * The idempotent inbox: an event id is recorded in the same transaction as the consumer's effects.
 * If the id is already there, the event was handled before and this delivery has no effect.
 */
export class Inbox {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `${quoteIdent(schema)}.inbox`;
  }

  /** Returns true when this is the first delivery of the event (its effects should be applied). */
  async record(manager: EntityManager, envelope: EventEnvelope, topic: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO ${this.table} (event_id, event_type, topic) VALUES ($1, $2, $3)
       ON CONFLICT (event_id) DO NOTHING
       RETURNING event_id`,
      [envelope.id, envelope.type, topic],
    );
    return rows.length === 1;
  }

  /** The batch form: the ids recorded now (first deliveries), in one statement. */
  async recordMany(
    manager: EntityManager,
    events: ReadonlyArray<{ event: EventEnvelope; topic: string }>,
  ): Promise<Set<string>> {
    const rows: Array<{ event_id: string }> = await manager.query(
      `INSERT INTO ${this.table} (event_id, event_type, topic)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])
       ON CONFLICT (event_id) DO NOTHING
       RETURNING event_id`,
      [events.map((e) => e.event.id), events.map((e) => e.event.type), events.map((e) => e.topic)],
    );
    return new Set(rows.map((r) => r.event_id));
  }
}
