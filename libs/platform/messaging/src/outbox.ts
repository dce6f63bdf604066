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
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('OutboxWriter.add must run inside the transaction that changes the state');
    }
    // An event that does not match its own schema is a bug here, not the consumer's problem.
    const parsed = definition.schema.parse(data) as EventData<E>;
    const envelope: EventEnvelope<EventData<E>> = {
      ...createEnvelope(definition, subject, parsed),
      ...captureTraceContext(),
    };
    const record = toBinaryMode(envelope);
    await manager.query(
      `INSERT INTO ${this.table} (event_id, event_type, topic, message_key, headers, payload)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [envelope.id, envelope.type, Topics[definition.topic].name, record.key, record.headers, record.value],
    );
    return envelope;
  }
}
