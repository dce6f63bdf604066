import {
  createEnvelope,
  Topics,
  toBinaryMode,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
} from '@rapport/contracts';
import { captureTraceContext } from '@rapport/platform-observability';
import type { EntityManager } from 'typeorm';
import { quoteIdent } from './messaging-tables.migration';

/**
 * Events per INSERT of `addMany`: one JSON parameter per chunk. A single one for a million events
 * (a full scoring run publishing every customer) outgrew V8's longest string and failed every time.
 */
export const OUTBOX_INSERT_CHUNK = 5_000;

/**
 * Writes an event into the outbox inside the caller's transaction, so the state change and the
 * event commit together or not at all. The relay publishes it after commit.
 */
export class OutboxWriter {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `${quoteIdent(schema)}.outbox`;
  }

  async add<E extends EventDefinition>(
    manager: EntityManager,
    definition: E,
    subject: string,
    data: EventData<E>,
  ): Promise<EventEnvelope<EventData<E>>> {
    this.inTransaction(manager);
    const [envelope] = await this.insert(manager, [{ definition, subject, data }]);
    return envelope as EventEnvelope<EventData<E>>;
  }

  /**
   * Several events (set-based handlers), in order, all in the caller's transaction: one statement per
   * OUTBOX_INSERT_CHUNK events, taken from `events` as they are written (a generator keeps only one
   * chunk in memory). Answers how many were written; `onWritten` sees each envelope (its id, say).
   */
  async addMany(
    manager: EntityManager,
    events: Iterable<PendingEvent>,
    onWritten?: (envelope: EventEnvelope) => void,
  ): Promise<number> {
    this.inTransaction(manager);
    let written = 0;
    let chunk: PendingEvent[] = [];
    const flush = async () => {
      const envelopes = await this.insert(manager, chunk);
      if (onWritten) envelopes.forEach(onWritten);
      written += envelopes.length;
      chunk = [];
    };
    for (const event of events) {
      chunk.push(event);
      if (chunk.length === OUTBOX_INSERT_CHUNK) await flush();
    }
    if (chunk.length > 0) await flush();
    return written;
  }

  private inTransaction(manager: EntityManager): void {
    if (!manager.queryRunner?.isTransactionActive)
      throw new Error('OutboxWriter.add must run inside the transaction that changes the state');
  }

  private async insert(manager: EntityManager, events: ReadonlyArray<PendingEvent>): Promise<EventEnvelope[]> {
    const trace = captureTraceContext();
    const envelopes = events.map(({ definition, subject, data }) => {
      // An event that does not match its own schema is a bug here, not the consumer's problem.
      const parsed = definition.schema.parse(data);
      return {
        envelope: { ...createEnvelope(definition, subject, parsed), ...trace } as EventEnvelope,
        topic: Topics[definition.topic].name,
      };
    });
    // One JSON parameter: far cheaper to send than text[] arrays, whose every element the driver escapes.
    const rows = envelopes.map(({ envelope, topic }) => {
      const record = toBinaryMode(envelope);
      return {
        id: envelope.id,
        type: envelope.type,
        topic,
        key: record.key,
        headers: record.headers,
        payload: record.value,
      };
    });
    await manager.query(
      `INSERT INTO ${this.table} (event_id, event_type, topic, message_key, headers, payload)
       SELECT (e->>'id')::uuid, e->>'type', e->>'topic', e->>'key', e->'headers', e->>'payload'
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS r(e, ord)
       ORDER BY ord`,
      [JSON.stringify(rows)],
    );
    return envelopes.map(({ envelope }) => envelope);
  }
}

/** An event to write: its definition, subject (the Kafka key) and data. */
export interface PendingEvent<E extends EventDefinition = EventDefinition> {
  definition: E;
  subject: string;
  data: EventData<E>;
}
