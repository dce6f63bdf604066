import { randomUUID } from 'node:crypto';
import { CustomerCreatedV1, Topics } from '@rapport/contracts';
import { createServiceDataSource, runMigrations } from '@rapport/platform-database';
import { createLogger } from '@rapport/platform-observability';
import { adminClient, collectRecords, eventually, stackInfo, testBus } from '@rapport/testing';
import type { DataSource } from 'typeorm';
import type { MessageBus, RecordProducer } from './bus';
import { messagingTablesMigration } from './messaging-tables.migration';
import { OUTBOX_INSERT_CHUNK, OutboxWriter } from './outbox';
import { OutboxRelay } from './outbox-relay';

/**
 * The outbox against the real PostgreSQL and Kafka of the test stack, in a schema of its own so it
 * does not touch any service's data.
 */
describe('transactional outbox', () => {
  const schema = `it_outbox_${randomUUID().slice(0, 8)}`;
  let dataSource: DataSource;
  let bus: MessageBus;
  const logger = createLogger('outbox-test', 'fatal');

  beforeAll(async () => {
    const admin = await adminClient();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    dataSource = createServiceDataSource({
      url: stackInfo().databaseUrl,
      schema,
      applicationName: 'outbox-test',
      migrations: [messagingTablesMigration(schema)],
    });
    await dataSource.initialize();
    await runMigrations(dataSource, schema);
    bus = testBus();
  });

  const producers: RecordProducer[] = [];

  afterAll(async () => {
    await Promise.all(producers.map((p) => p.disconnect()));
    await dataSource.query(`DROP SCHEMA ${schema} CASCADE`);
    await dataSource.destroy();
    await bus.close();
  });

  const relay = (producer: RecordProducer = bus.producer()) => {
    producers.push(producer);
    return new OutboxRelay(dataSource, producer, logger, {
      schema,
      listenUrl: stackInfo().databaseUrl,
      pollIntervalMs: 60_000,
      batchSize: 50,
    });
  };

  async function writeEvents(count: number, fail = false): Promise<string[]> {
    const writer = new OutboxWriter(schema);
    const ids: string[] = [];
    await dataSource
      .transaction(async (manager) => {
        for (let i = 0; i < count; i++) {
          const customerId = randomUUID();
          const envelope = await writer.add(manager, CustomerCreatedV1, customerId, {
            customerId,
            kind: 'person',
            createdAt: new Date().toISOString(),
          });
          ids.push(envelope.id);
        }
        if (fail) throw new Error('the state change failed');
      })
      .catch((error: Error) => {
        if (!fail) throw error;
      });
    return ids;
  }

  it('publishes rows written while no relay ran exactly once after the relay restarts', async () => {
    const first = relay();
    await first.start();
    await first.stop(); // the relay "dies"

    const ids = await writeEvents(5);
    const { records, stop } = await collectRecords(bus, Topics.customers.name, (r) =>
      ids.includes(r.headers['ce_id'] ?? ''),
    );
    try {
      const second = relay();
      await second.start(); // publishes what is pending at start, without waiting for a poll
      await eventually(async () => records.length >= ids.length, 20_000, 'the pending events on the topic');
      await new Promise((r) => setTimeout(r, 1_500)); // time for any duplicate to show up
      await second.stop();
      expect(records.map((r) => r.headers['ce_id']).sort()).toEqual([...ids].sort());
      const [row] = await dataSource.query(
        `SELECT count(*)::int AS pending FROM ${schema}.outbox WHERE published_at IS NULL`,
      );
      expect(row.pending).toBe(0);
    } finally {
      await stop();
    }
  });

  it('is woken by NOTIFY on commit rather than waiting for the (here: one minute) poll', async () => {
    const running = relay();
    await running.start();
    await running.flush(); // whatever was pending is out; from here on only NOTIFY can wake it
    const ids: string[] = [];
    const { records, stop } = await collectRecords(bus, Topics.customers.name, (r) =>
      ids.includes(r.headers['ce_id'] ?? ''),
    );
    try {
      ids.push(...(await writeEvents(1)));
      await eventually(async () => records.length === 1, 25_000, 'the event published after NOTIFY');
      expect(records[0]!.key).toBe(records[0]!.headers['ce_subject']);
    } finally {
      await stop();
      await running.stop();
    }
  });

  it('writes nothing when the state change rolls back', async () => {
    const ids = await writeEvents(2, true);
    const rows = await dataSource.query(`SELECT event_id FROM ${schema}.outbox WHERE event_id = ANY($1::uuid[])`, [
      ids,
    ]);
    expect(rows).toEqual([]);
  });

  it('writes more events than one statement takes, in order, from a generator, and none when the change rolls back', async () => {
    const writer = new OutboxWriter(schema);
    const count = 2 * OUTBOX_INSERT_CHUNK + 1;
    const subjects = Array.from({ length: count }, () => randomUUID());
    const events = function* () {
      for (const customerId of subjects)
        yield {
          definition: CustomerCreatedV1,
          subject: customerId,
          data: { customerId, kind: 'person' as const, createdAt: new Date().toISOString() },
        };
    };
    const seen: string[] = [];
    const written = await dataSource.transaction((manager) =>
      writer.addMany(manager, events(), (envelope) => seen.push(envelope.subject)),
    );
    expect(written).toBe(count);
    expect(seen).toEqual(subjects);
    const rows: Array<{ message_key: string }> = await dataSource.query(
      `SELECT message_key FROM ${schema}.outbox WHERE message_key = ANY($1::text[]) ORDER BY seq`,
      [subjects],
    );
    expect(rows.map((r) => r.message_key)).toEqual(subjects);

    const rolledBack = Array.from({ length: OUTBOX_INSERT_CHUNK + 1 }, () => randomUUID());
    await expect(
      dataSource.transaction(async (manager) => {
        await writer.addMany(
          manager,
          rolledBack.map((customerId) => ({
            definition: CustomerCreatedV1,
            subject: customerId,
            data: { customerId, kind: 'person' as const, createdAt: new Date().toISOString() },
          })),
        );
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    const none = await dataSource.query(`SELECT 1 FROM ${schema}.outbox WHERE message_key = ANY($1::text[])`, [
      rolledBack,
    ]);
    expect(none).toEqual([]);
  });

  it('keeps rows until the broker acknowledges them', async () => {
    const ids = await writeEvents(3);
    const failing = relay({
      send: async () => {
        throw new Error('broker unreachable');
      },
      disconnect: async () => undefined,
    });
    await failing.flush().catch(() => undefined);
    const [row] = await dataSource.query(
      `SELECT count(*)::int AS pending FROM ${schema}.outbox WHERE published_at IS NULL AND event_id = ANY($1::uuid[])`,
      [ids],
    );
    expect(row.pending).toBe(3);
    const working = relay();
    await working.flush();
    const [after] = await dataSource.query(
      `SELECT count(*)::int AS pending FROM ${schema}.outbox WHERE published_at IS NULL AND event_id = ANY($1::uuid[])`,
      [ids],
    );
    expect(after.pending).toBe(0);
    await working.stop();
  });

  it('refuses to write an event outside a transaction', async () => {
    const writer = new OutboxWriter(schema);
    const customerId = randomUUID();
    await expect(
      writer.add(dataSource.manager, CustomerCreatedV1, customerId, {
        customerId,
        kind: 'person',
        createdAt: new Date().toISOString(),
      }),
    ).rejects.toThrow('must run inside the transaction');
  });
});
