import { Topics, toBinaryMode, type EventEnvelope } from '@rapport/contracts';
import type { MessageBus, RecordProducer } from '@rapport/platform-messaging';
import { adminClient, eventually, testBus } from '@rapport/testing';
import type { Client } from 'pg';

/** What service-desk's stack tests talk to: the real broker (to publish as customer-profile does) and the database. */
export interface ServiceDeskTestClients {
  bus: MessageBus;
  producer: RecordProducer;
  db: Client;
}

export async function openServiceDeskTestClients(): Promise<ServiceDeskTestClients> {
  const bus = testBus();
  return { bus, producer: bus.producer(), db: await adminClient() };
}

export async function closeServiceDeskTestClients({ bus, producer, db }: ServiceDeskTestClients): Promise<void> {
  await producer.disconnect();
  await bus.close();
  await db.end();
}

export async function publishCustomerEvents(producer: RecordProducer, ...events: EventEnvelope[]): Promise<void> {
  await producer.send(events.map((event) => ({ topic: Topics.customers.name, ...toBinaryMode(event) })));
}

/** Resolves once service-desk has handled the event (its inbox mark commits with the handler's effects). */
export async function handled(db: Client, event: EventEnvelope): Promise<void> {
  await eventually(
    async () => (await db.query('SELECT 1 FROM service_desk.inbox WHERE event_id = $1', [event.id])).rowCount === 1,
    20_000,
    `service-desk to handle ${event.type} ${event.id}`,
  );
}

/**
 * Every `table.column` of service-desk's schema that still holds the id, whatever the features: any
 * uuid column of any table, so a table added later is covered by the erasure tests without editing them.
 */
export async function placesHolding(db: Client, customerId: string): Promise<string[]> {
  const { rows: columns } = await db.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'service_desk' AND data_type = 'uuid' ORDER BY table_name, column_name`,
  );
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    const { rowCount } = await db.query(`SELECT 1 FROM service_desk."${table}" WHERE "${column}" = $1 LIMIT 1`, [
      customerId,
    ]);
    if (rowCount) found.push(`${table}.${column}`);
  }
  return found;
}
