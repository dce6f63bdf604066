import type { TopicDefinition } from '@rapport/contracts';
import type { Logger } from '@rapport/platform-observability';
import {
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type EachMessagePayload,
  type KafkaMessage,
  type LogEntry,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import type {
  ConsumeOptions,
  IncomingRecord,
  MessageBus,
  MessageBusConfig,
  OutgoingRecord,
  PartitionOffsets,
  RecordConsumer,
  RecordProducer,
} from './bus';

export function createMessageBus(config: MessageBusConfig, logger: Logger): MessageBus {
  return new KafkaJsMessageBus(config, logger);
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

class KafkaJsMessageBus implements MessageBus {
  private readonly kafka: Kafka;
  private admin?: Promise<Admin>;

  constructor(
    private readonly config: MessageBusConfig,
    private readonly logger: Logger,
  ) {
    this.kafka = new Kafka({
      clientId: config.clientId,
      brokers: config.brokers,
      ssl: config.ssl ?? false,
      ...(config.sasl ? { sasl: config.sasl as SASLOptions } : {}),
      connectionTimeout: 3_000,
      requestTimeout: 30_000,
      retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 8 },
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log }: LogEntry) => {
          const { message, ...extra } = log;
          // The relay bounds producer retries on purpose (it retries the whole batch itself).
          if (message.startsWith('Limiting retries for the idempotent producer')) return;
          this.logger[LEVELS[level] ?? 'info']({ kafka: extra }, `kafka: ${message}`);
        },
    });
  }

  producer(): RecordProducer {
    return new KafkaJsProducer(this.kafka);
  }

  consumer(groupId: string): RecordConsumer {
    return new KafkaJsConsumer(this.kafka, groupId, this.logger, this.config.consumerSessionTimeoutMs ?? 30_000);
  }

  async ensureTopics(topics: readonly TopicDefinition[]): Promise<string[]> {
    const admin = await this.connectedAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: -1, // the broker's default.replication.factor
        configEntries: [
          { name: 'retention.ms', value: String(t.retentionMs) },
          { name: 'cleanup.policy', value: t.cleanupPolicy },
        ],
      })),
    });
    return missing.map((t) => t.name);
  }

  async listTopics(): Promise<string[]> {
    return (await this.connectedAdmin()).listTopics();
  }

  async partitionOffsets(topic: string): Promise<PartitionOffsets[]> {
    const offsets = await (await this.connectedAdmin()).fetchTopicOffsets(topic);
    return offsets
      .map(({ partition, low, high }) => ({ partition, earliest: low, next: high }))
      .sort((a, b) => a.partition - b.partition);
  }

  async committedOffsets(groupId: string, topic: string): Promise<Array<{ partition: number; offset: string }>> {
    const [committed] = await (await this.connectedAdmin()).fetchOffsets({ groupId, topics: [topic] });
    return (committed?.partitions ?? [])
      .map(({ partition, offset }) => ({ partition, offset }))
      .sort((a, b) => a.partition - b.partition);
  }

  async groupMemberCount(groupId: string): Promise<number> {
    const { groups } = await (await this.connectedAdmin()).describeGroups([groupId]);
    return groups[0]?.members.length ?? 0;
  }

  async resetGroupToEarliest(groupId: string, topic: string): Promise<void> {
    await (await this.connectedAdmin()).resetOffsets({ groupId, topic, earliest: true });
  }

  async ping(timeoutMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('kafka ping timed out')), timeoutMs);
    });
    try {
      await Promise.race([this.connectedAdmin().then((admin) => admin.describeCluster()), timeout]);
    } catch (error) {
      // Drop the admin client so the next ping connects afresh.
      const admin = this.admin;
      this.admin = undefined;
      void admin?.then((a) => a.disconnect()).catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  private connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin({ retry: { retries: 2 } });
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => {
        this.admin = undefined;
      });
    }
    return this.admin;
  }
}

class KafkaJsProducer implements RecordProducer {
  private producer?: Producer;
  private connecting?: Promise<Producer>;

  constructor(private readonly kafka: Kafka) {}

  async send(records: OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const producer = await this.connected();
    const byTopic = new Map<string, OutgoingRecord[]>();
    for (const record of records) {
      const list = byTopic.get(record.topic) ?? [];
      list.push(record);
      byTopic.set(record.topic, list);
    }
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
        })),
      });
    } catch (error) {
      // A producer that failed (broker gone, fenced epoch) is replaced on the next send.
      await this.reset();
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    await this.reset();
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    if (!this.connecting) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
      });
      this.connecting = producer
        .connect()
        .then(() => {
          this.producer = producer;
          return producer;
        })
        .finally(() => {
          this.connecting = undefined;
        });
    }
    return this.connecting;
  }

  private async reset(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}

class KafkaJsConsumer implements RecordConsumer {
  private consumer?: Consumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly logger: Logger,
    private readonly sessionTimeoutMs: number,
  ) {}

  async start(options: ConsumeOptions): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: this.sessionTimeoutMs,
      // a third of the session at most, so that two lost heartbeats do not cost the membership
      heartbeatInterval: Math.min(3_000, Math.floor(this.sessionTimeoutMs / 3)),
      rebalanceTimeout: 30_000,
      retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 10 },
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.logger.error(
        { err: event.payload.error, restart: event.payload.restart },
        `kafka consumer ${this.groupId} crashed`,
      );
    });
    this.consumer = consumer;
    await consumer.connect();
    for (const topic of options.topics) {
      await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
    }
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 1_000,
      partitionsConsumedConcurrently: options.partitionConcurrency ?? 1,
      ...(options.handleBatch
        ? { eachBatchAutoResolve: false, eachBatch: (payload: EachBatchPayload) => this.eachBatch(options, payload) }
        : {
            eachMessage: async ({ topic, partition, message, heartbeat }: EachMessagePayload) => {
              await options.handle(toIncoming(topic, partition, message), { heartbeat });
            },
          }),
    });
  }

  /** Hands over the fetched records in chunks; each chunk's offsets are committed once it is handled. */
  private async eachBatch(options: ConsumeOptions, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const max = Math.max(1, options.maxBatchSize ?? 100);
    for (let start = 0; start < batch.messages.length; start += max) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + max);
      await options.handleBatch!(
        chunk.map((message) => toIncoming(batch.topic, batch.partition, message)),
        { heartbeat },
      );
      resolveOffset(chunk[chunk.length - 1]!.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }
}

function toIncoming(topic: string, partition: number, message: KafkaMessage): IncomingRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    value: message.value?.toString('utf8') ?? null,
    headers: Object.fromEntries(
      Object.entries(message.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v[0]?.toString() : v?.toString()]),
    ),
    timestamp: message.timestamp,
  };
}
