// What a restore does with Kafka (docs/adr/0001-backup-restore-and-events.md explains why):
// consumer groups go back to their offsets at backup time, and events whose producing transaction
// the restore rolled back are entered in the restored consumers' inboxes so that they never apply.
import { randomUUID } from 'node:crypto';
import { consumerGroupOf, Topics, type ServiceName } from '@rapport/contracts';
import { Kafka, logLevel, type Admin, type SASLOptions } from 'kafkajs';
import type { TopicOffsets } from './manifest';

export function kafkaClient(brokers: string[]): Kafka {
  const mechanism = process.env.KAFKA_SASL_MECHANISM as 'plain' | 'scram-sha-256' | 'scram-sha-512' | undefined;
  return new Kafka({
    clientId: 'rapport-backup',
    brokers,
    ssl: process.env.KAFKA_SSL === 'true',
    ...(mechanism
      ? {
          sasl: {
            mechanism,
            username: process.env.KAFKA_SASL_USERNAME ?? '',
            password: process.env.KAFKA_SASL_PASSWORD ?? '',
          } as SASLOptions,
        }
      : {}),
    connectionTimeout: 3_000,
    retry: { retries: 5 },
    logLevel: logLevel.NOTHING,
  });
}

export async function committedOffsets(admin: Admin, service: ServiceName): Promise<TopicOffsets> {
  const offsets = await admin.fetchOffsets({ groupId: consumerGroupOf(service) });
  return Object.fromEntries(
    offsets
      .filter((t) => t.partitions.some((p) => p.offset !== '-1'))
      .map((t) => [t.topic, Object.fromEntries(t.partitions.map((p) => [String(p.partition), p.offset]))]),
  );
}

export async function topicEnds(admin: Admin): Promise<TopicOffsets> {
  const ends: TopicOffsets = {};
  for (const topic of Object.values(Topics)) {
    const offsets = await admin.fetchTopicOffsets(topic.name);
    ends[topic.name] = Object.fromEntries(offsets.map((p) => [String(p.partition), p.high]));
  }
  return ends;
}

/** Refuses while a restored service still has members in its consumer group (it is running). */
export async function assertGroupsIdle(admin: Admin, services: readonly ServiceName[]): Promise<void> {
  const { groups } = await admin.describeGroups(services.map(consumerGroupOf));
  const busy = groups.filter((g) => g.state !== 'Empty' && g.state !== 'Dead');
  if (busy.length > 0) {
    throw new Error(
      `refused: ${busy.map((g) => `${g.groupId} (${g.state}, ${g.members.length} member(s))`).join(', ')} still consume; stop those services first`,
    );
  }
}

/**
 * Puts a restored service's consumer group back where it was at backup time, so that every event
 * it had not applied by then is delivered again (the inbox, restored with the state it guards,
 * drops the ones it had). Offsets the broker no longer has (retention) or never had (a new
 * cluster) fall back to the earliest record, never forward: a skipped event would be a lost effect.
 */
export async function rewindGroup(
  admin: Admin,
  service: ServiceName,
  saved: TopicOffsets,
  warn: (line: string) => void,
): Promise<void> {
  const groupId = consumerGroupOf(service);
  const current = await committedOffsets(admin, service);
  for (const topic of new Set([...Object.keys(saved), ...Object.keys(current)])) {
    const bounds = await admin.fetchTopicOffsets(topic).catch(() => undefined);
    if (!bounds) continue; // the topic is gone: nothing to consume
    const partitions = bounds.map((b) => {
      const at = saved[topic]?.[String(b.partition)];
      let offset = at === undefined || at === '-1' ? b.low : at;
      if (BigInt(offset) < BigInt(b.low)) {
        warn(
          `${groupId} ${topic}[${b.partition}]: records ${offset}…${BigInt(b.low) - 1n} were deleted by retention since the backup; their events cannot be delivered again`,
        );
        offset = b.low;
      } else if (BigInt(offset) > BigInt(b.high)) {
        warn(
          `${groupId} ${topic}[${b.partition}]: the broker holds fewer records than at backup time (a new cluster?); reading it from the start, the inbox drops what was applied`,
        );
        offset = b.low;
      }
      return { partition: b.partition, offset };
    });
    await admin.setOffsets({ groupId, topic, partitions });
  }
}

export interface PublishedEvent {
  topic: string;
  id: string;
  type: string;
}

/**
 * The events written to each topic from the given offsets on (by partition) to its current end,
 * read by one consumer for all topics (one group join, not one per topic).
 */
export async function eventsSince(
  kafka: Kafka,
  admin: Admin,
  from: Record<string, Record<string, string>>,
): Promise<PublishedEvent[]> {
  const ranges = new Map<string, { topic: string; partition: number; start: bigint; end: bigint }>();
  for (const [topic, offsets] of Object.entries(from)) {
    for (const b of await admin.fetchTopicOffsets(topic)) {
      const saved = offsets[String(b.partition)];
      const start = saved === undefined || BigInt(saved) < BigInt(b.low) ? BigInt(b.low) : BigInt(saved);
      if (start < BigInt(b.high))
        ranges.set(`${topic}:${b.partition}`, { topic, partition: b.partition, start, end: BigInt(b.high) });
    }
  }
  if (ranges.size === 0) return [];
  const groupId = `rapport-restore-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000 });
  const events: PublishedEvent[] = [];
  const remaining = new Set(ranges.keys());
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set([...ranges.values()].map((r) => r.topic))], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('reading the events published since the backup took longer than 120 s')),
        120_000,
      );
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ topic, partition, message }) => {
            const key = `${topic}:${partition}`;
            const range = ranges.get(key);
            const offset = BigInt(message.offset);
            if (!range || offset < range.start || offset >= range.end) return;
            const id = message.headers?.['ce_id']?.toString();
            if (id) events.push({ topic, id, type: message.headers?.['ce_type']?.toString() ?? 'unknown' });
            if (offset + 1n >= range.end) remaining.delete(key);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
      // Only saves reading what came before: records before a range's start are ignored anyway.
      for (const r of ranges.values())
        consumer.seek({ topic: r.topic, partition: r.partition, offset: String(r.start) });
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return events;
}

/** The event topics a service publishes to. */
export function topicsOf(service: ServiceName): string[] {
  return Object.values(Topics)
    .filter((t) => t.owner === service)
    .map((t) => t.name);
}
