import { randomUUID } from 'node:crypto';
import { stackInfo, eventually } from '@rapport/testing';
import { Kafka, logLevel, Partitioners, type Consumer } from 'kafkajs';

/**
 * Proof that kafkajs 2.2.4 works against the Apache Kafka 4.x broker of the local stack (Kafka 4
 * removed old protocol versions): produce, consumer-group join, rebalance and offset commit.
 */
describe('kafkajs against Apache Kafka 4.x', () => {
  const kafka = new Kafka({ clientId: 'compat-test', brokers: stackInfo().brokers, logLevel: logLevel.NOTHING });
  const topic = `compat-${randomUUID().slice(0, 8)}`;
  const groupId = `compat-${randomUUID().slice(0, 8)}`;
  const consumers: Consumer[] = [];

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it('produces, joins a group, rebalances between two members and commits offsets', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    expect(brokers.length).toBeGreaterThan(0);
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });

    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    });

    const seen = new Set<string>();
    const assignments: Record<string, number[]>[] = [];
    const join = async () => {
      const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
      consumers.push(consumer);
      consumer.on(consumer.events.GROUP_JOIN, (e) => assignments.push(e.payload.memberAssignment));
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.add(message.value!.toString()) });
    };

    await join();
    await eventually(async () => seen.size === 40, 30_000, 'all 40 records consumed by the first member');
    await join();
    // After the rebalance the four partitions are split between the two members.
    await eventually(
      async () => {
        const last = assignments.slice(-2).map((a) => (a[topic] ?? []).length);
        return assignments.length >= 3 && last.length === 2 && last[0]! + last[1]! === 4 && last.every((n) => n > 0);
      },
      30_000,
      'a rebalance that splits the partitions',
    );
    await eventually(
      async () => {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const committed = offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
        return committed === 40;
      },
      30_000,
      'offsets committed up to the end of every partition',
    );
    await producer.disconnect();
    await admin.disconnect();
  });
});
