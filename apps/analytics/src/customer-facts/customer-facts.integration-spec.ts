import { randomUUID } from 'node:crypto';
import {
  consumerGroupOf,
  createEnvelope,
  CustomerCreatedV1,
  deadLetterTopicOf,
  Topics,
  toBinaryMode,
} from '@rapport/contracts';
import {
  DeadLetterHeaders,
  replayDeadLetters,
  type MessageBus,
  type RecordProducer,
} from '@rapport/platform-messaging';
import { adminClient, collectRecords, eventually, stackInfo, testBus } from '@rapport/testing';
import type { Client } from 'pg';

/**
 * The analytics service of the test stack consuming customer.created from the real broker: the same
 * event delivered twice has one effect; a poison message goes to the dead-letter topic and the
 * messages behind it in the same partition are still consumed.
 */
describe('analytics consumes customer events', () => {
  let bus: MessageBus;
  let producer: RecordProducer;
  let db: Client;

  beforeAll(async () => {
    bus = testBus();
    producer = bus.producer();
    db = await adminClient();
  });

  afterAll(async () => {
    await producer.disconnect();
    await bus.close();
    await db.end();
  });

  const created = (customerId = randomUUID()) =>
    createEnvelope(CustomerCreatedV1, customerId, { customerId, kind: 'person', createdAt: new Date().toISOString() });

  const factCount = async (customerId: string) =>
    (await db.query('SELECT count(*)::int AS n FROM analytics.customer_facts WHERE customer_id = $1', [customerId]))
      .rows[0].n as number;

  it('applies a duplicate delivery of the same event once', async () => {
    const event = created();
    const record = { topic: Topics.customers.name, ...toBinaryMode(event) };
    await producer.send([record]);
    await producer.send([record]);
    await eventually(async () => (await factCount(event.subject)) === 1, 20_000, 'the fact from the first delivery');
    // The second delivery reaches the inbox too: wait until analytics saw both (its offsets moved past them).
    await eventually(
      async () => {
        const metrics = await (await fetch(`${stackInfo().serviceUrls.analytics}/metrics`)).text();
        return /rapport_messages_consumed_total\{topic="rapport\.customer-profile\.customers",outcome="duplicate"\} [1-9]/.test(
          metrics,
        );
      },
      20_000,
      'the duplicate delivery to be seen and dropped',
    );
    expect(await factCount(event.subject)).toBe(1);
    const inbox = await db.query('SELECT count(*)::int AS n FROM analytics.inbox WHERE event_id = $1', [event.id]);
    expect(inbox.rows[0].n).toBe(1);
  });

  it('dead-letters a poison message and still consumes the next message of the partition', async () => {
    const key = randomUUID();
    const poison = created(key);
    const poisonRecord = {
      topic: Topics.customers.name,
      ...toBinaryMode({ ...poison, data: { customerId: 'not-a-uuid', kind: 'robot' } as never }),
    };
    const next = created(key); // same key: same partition, behind the poison message
    const dlq = await collectRecords(bus, deadLetterTopicOf('analytics').name, (r) => r.headers['ce_id'] === poison.id);
    try {
      await producer.send([poisonRecord, { topic: Topics.customers.name, ...toBinaryMode(next) }]);
      await eventually(async () => (await factCount(key)) === 1, 20_000, 'the message behind the poison one');
      await eventually(async () => dlq.records.length === 1, 20_000, 'the poison message on the dead-letter topic');
      const letter = dlq.records[0]!;
      expect(letter.headers[DeadLetterHeaders.reason]).toBe('schema');
      expect(letter.headers[DeadLetterHeaders.originalTopic]).toBe(Topics.customers.name);
      expect(letter.headers[DeadLetterHeaders.consumerGroup]).toBe('rapport.analytics');
      expect(letter.key).toBe(key);
      expect(JSON.parse(letter.value!)).toEqual({ customerId: 'not-a-uuid', kind: 'robot' });
    } finally {
      await dlq.stop();
    }
  });

  it('dead-letters a record that is not a CloudEvent at all', async () => {
    const key = randomUUID();
    const dlq = await collectRecords(bus, deadLetterTopicOf('analytics').name, (r) => r.key === key);
    try {
      await producer.send([{ topic: Topics.customers.name, key, value: 'garbage', headers: {} }]);
      await eventually(async () => dlq.records.length === 1, 20_000, 'the garbage record on the dead-letter topic');
      expect(dlq.records[0]!.headers[DeadLetterHeaders.reason]).toBe('envelope');
    } finally {
      await dlq.stop();
    }
  });

  it('retries a failing handler, then dead-letters it with the database error, and moves on', async () => {
    const key = randomUUID();
    const failing = created(key);
    const dlq = await collectRecords(
      bus,
      deadLetterTopicOf('analytics').name,
      (r) => r.headers['ce_id'] === failing.id,
    );
    await db.query('REVOKE INSERT ON analytics.customer_facts FROM analytics');
    try {
      await producer.send([{ topic: Topics.customers.name, ...toBinaryMode(failing) }]);
      await eventually(async () => dlq.records.length === 1, 30_000, 'the failing event on the dead-letter topic');
    } finally {
      await db.query('GRANT INSERT ON analytics.customer_facts TO analytics');
      await dlq.stop();
    }
    const letter = dlq.records[0]!;
    expect(letter.headers[DeadLetterHeaders.reason]).toBe('handler');
    expect(letter.headers[DeadLetterHeaders.attempts]).toBe('3'); // CONSUMER_MAX_ATTEMPTS of the test stack
    // The handler's own error reaches the events server (not a generic RPC error), which is what
    // lets it tell transient faults from poison ones.
    expect(letter.headers[DeadLetterHeaders.error]).toContain('permission denied for table customer_facts');
    const next = created(key);
    await producer.send([{ topic: Topics.customers.name, ...toBinaryMode(next) }]);
    await eventually(async () => (await factCount(key)) === 1, 20_000, 'the next event of the partition');

    // After the fix (the grant is back), replaying the dead letters applies the event that failed.
    const otherKey = randomUUID();
    const lost = created(otherKey);
    const dlqAgain = await collectRecords(
      bus,
      deadLetterTopicOf('analytics').name,
      (r) => r.headers['ce_id'] === lost.id,
    );
    await db.query('REVOKE INSERT ON analytics.customer_facts FROM analytics');
    try {
      await producer.send([{ topic: Topics.customers.name, ...toBinaryMode(lost) }]);
      await eventually(
        async () => dlqAgain.records.length === 1,
        30_000,
        'the second failing event on the dead-letter topic',
      );
    } finally {
      await db.query('GRANT INSERT ON analytics.customer_facts TO analytics');
      await dlqAgain.stop();
    }
    expect(await factCount(otherKey)).toBe(0);
    const replayed = await replayDeadLetters(bus, deadLetterTopicOf('analytics').name, consumerGroupOf('analytics'), {
      idleMs: 5_000,
    });
    expect(replayed).toBeGreaterThanOrEqual(1);
    await eventually(async () => (await factCount(otherKey)) === 1, 30_000, 'the replayed event to be applied');
  }, 180_000);
});
