import { Topics, toBinaryMode, type EventEnvelope } from '@rapport/contracts';
import type { MessageBus, RecordProducer } from '@rapport/platform-messaging';
import type { Client } from 'pg';
import { adminClient, eventually, testBus } from './helpers';

/** What a service's stack tests talk to: the real broker (to publish as customer-profile does) and the database. */
export interface ServiceTestClients {
  bus: MessageBus;
  producer: RecordProducer;
  db: Client;
}

export async function openServiceTestClients(): Promise<ServiceTestClients> {
  const bus = testBus();
  return { bus, producer: bus.producer(), db: await adminClient() };
}

export async function closeServiceTestClients({ bus, producer, db }: ServiceTestClients): Promise<void> {
  await producer.disconnect();
  await bus.close();
  await db.end();
}

/** Publishes customer-profile's events on its stream, as its outbox relay does. */
export async function publishCustomerEvents(producer: RecordProducer, ...events: EventEnvelope[]): Promise<void> {
  await producer.send(events.map((event) => ({ topic: Topics.customers.name, ...toBinaryMode(event) })));
}

/** Resolves once the service owning `schema` has handled the event (its inbox mark commits with the handler's effects). */
export async function handledBy(db: Client, schema: string, event: EventEnvelope): Promise<void> {
  await eventually(
    async () => (await db.query(`SELECT 1 FROM "${schema}".inbox WHERE event_id = $1`, [event.id])).rowCount === 1,
    20_000,
    `${schema} to handle ${event.type} ${event.id}`,
  );
}

/**
 * Every `table.column` of the schema that still holds the id, whatever the features: any uuid column
 * of any table, so a table added later is covered by the erasure tests without editing them.
 */
export async function uuidColumnsHolding(db: Client, schema: string, customerId: string): Promise<string[]> {
  const { rows } = await db.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1 AND data_type = 'uuid' ORDER BY 1, 2`,
    [schema],
  );
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of rows) {
    const { rowCount } = await db.query(`SELECT 1 FROM "${schema}"."${table}" WHERE "${column}" = $1 LIMIT 1`, [
      customerId,
    ]);
    if (rowCount) found.push(`${table}.${column}`);
  }
  return found;
}
