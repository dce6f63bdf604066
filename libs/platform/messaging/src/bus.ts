import type { TopicDefinition } from '@rapport/contracts';

/**
 * The platform's own Kafka interface. Services and the rest of the platform only see these types;
 * kafkajs lives behind createMessageBus() and can be replaced without touching a service.
 */
export interface OutgoingRecord {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string | undefined>;
  timestamp: string;
}

export interface RecordProducer {
  /** Sends all records, acknowledged by all in-sync replicas; rejects if any was not written. */
  send(records: OutgoingRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface RecordHandlerControls {
  /** Keeps group membership alive while a record takes long (retries with backoff). */
  heartbeat(): Promise<void>;
}

export interface ConsumeOptions {
  topics: string[];
  /** Where a group with no committed offset starts; services start at the earliest record. */
  fromBeginning?: boolean;
  /** Partitions handled at the same time; order within a partition always holds. Default 1. */
  partitionConcurrency?: number;
  /**
   * Called once per record, in order within a partition. When it resolves the offset is committed;
   * when it rejects the record is delivered again.
   */
  handle(record: IncomingRecord, controls: RecordHandlerControls): Promise<void>;
  /**
   * When given, records are handed over in batches instead: up to `maxBatchSize` consecutive records
   * of one partition, in order. When it resolves, the offsets of the whole batch are committed; when it
   * rejects, the batch is delivered again.
   */
  handleBatch?(records: IncomingRecord[], controls: RecordHandlerControls): Promise<void>;
  /** Largest batch given to `handleBatch` (default 100). */
  maxBatchSize?: number;
}

export interface RecordConsumer {
  start(options: ConsumeOptions): Promise<void>;
  /** Stops fetching, lets the record in hand finish, commits, and leaves the group. */
  stop(): Promise<void>;
}

export interface PartitionOffsets {
  partition: number;
  /** The oldest record still kept (retention deleted what came before). */
  earliest: string;
  /** The offset the next record will get. */
  next: string;
}

export interface MessageBus {
  producer(): RecordProducer;
  consumer(groupId: string): RecordConsumer;
  /** Creates missing topics (existing ones are left as they are). */
  ensureTopics(topics: readonly TopicDefinition[]): Promise<string[]>;
  listTopics(): Promise<string[]>;
  /** Each partition's earliest and next (high-water mark) offset. */
  partitionOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** The offsets a consumer group committed on a topic's partitions; -1 where it committed none. */
  committedOffsets(groupId: string, topic: string): Promise<Array<{ partition: number; offset: string }>>;
  /** How many consumers are members of the group right now (0: the group is empty). */
  groupMemberCount(groupId: string): Promise<number>;
  /** Sets the group's offsets on a topic to the earliest records; the group must be empty. */
  resetGroupToEarliest(groupId: string, topic: string): Promise<void>;
  /** Readiness: is a broker reachable right now? */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface MessageBusConfig {
  clientId: string;
  brokers: string[];
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /**
   * How long the group coordinator waits for a silent consumer before handing its partitions to
   * the others (default 30 s). A replica that crashed holds up its successor's join this long.
   */
  consumerSessionTimeoutMs?: number;
}
