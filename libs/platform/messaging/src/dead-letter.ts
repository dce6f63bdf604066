import type { IncomingRecord, MessageBus, OutgoingRecord, RecordProducer } from './bus';

const PREFIX = 'x-rapport-dlq-';

export const DeadLetterHeaders = {
  reason: `${PREFIX}reason`,
  error: `${PREFIX}error`,
  originalTopic: `${PREFIX}original-topic`,
  originalPartition: `${PREFIX}original-partition`,
  originalOffset: `${PREFIX}original-offset`,
  consumerGroup: `${PREFIX}consumer-group`,
  failedAt: `${PREFIX}failed-at`,
  attempts: `${PREFIX}attempts`,
} as const;

export interface DeadLetterInfo {
  reason: string;
  error: string;
  consumerGroup: string;
  attempts: number;
}

/** The record to put on the dead-letter topic: the original key, value and headers, plus why. */
export function toDeadLetter(record: IncomingRecord, deadLetterTopic: string, info: DeadLetterInfo): OutgoingRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers)) {
    if (value !== undefined && !name.startsWith(PREFIX)) headers[name] = value;
  }
  headers[DeadLetterHeaders.reason] = info.reason;
  headers[DeadLetterHeaders.error] = info.error.slice(0, 2_000);
  headers[DeadLetterHeaders.originalTopic] = record.topic;
  headers[DeadLetterHeaders.originalPartition] = String(record.partition);
  headers[DeadLetterHeaders.originalOffset] = record.offset;
  headers[DeadLetterHeaders.consumerGroup] = info.consumerGroup;
  headers[DeadLetterHeaders.failedAt] = new Date().toISOString();
  headers[DeadLetterHeaders.attempts] = String(info.attempts);
  return { topic: deadLetterTopic, key: record.key ?? '', value: record.value ?? '', headers };
}

/** The record to send back to its original topic when a dead letter is replayed. */
export function fromDeadLetter(record: IncomingRecord): OutgoingRecord {
  const topic = record.headers[DeadLetterHeaders.originalTopic];
  if (!topic)
    throw new Error(`dead letter at offset ${record.offset} has no ${DeadLetterHeaders.originalTopic} header`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers)) {
    if (value !== undefined && !name.startsWith(PREFIX)) headers[name] = value;
  }
  return { topic, key: record.key ?? '', value: record.value ?? '', headers };
}

/**
 * Sends the dead letters of a service back to their original topics (after the bug that poisoned
 * them is fixed). Progress is kept by the replay consumer group, so a letter is replayed once; stops
 * when no new letter arrived for `idleMs`, or at the first letter that failed after the replay began
 * (a replayed message that fails again), which is left for the next replay instead of looping.
 */
export async function replayDeadLetters(
  bus: MessageBus,
  deadLetterTopic: string,
  consumerGroup: string,
  options: { idleMs?: number; producer?: RecordProducer } = {},
): Promise<number> {
  const producer = options.producer ?? bus.producer();
  const consumer = bus.consumer(`${consumerGroup}.dlq-replay`);
  let replayed = 0;
  let reachedNewLetters = false;
  const startedAt = Date.now();
  let lastActivity = startedAt;
  await consumer.start({
    topics: [deadLetterTopic],
    fromBeginning: true,
    handle: async (record) => {
      if (Date.parse(record.headers[DeadLetterHeaders.failedAt] ?? '') >= startedAt) {
        reachedNewLetters = true;
        // Not committed: the next replay starts here.
        throw new Error('dead letter newer than this replay; left for the next one');
      }
      await producer.send([fromDeadLetter(record)]);
      replayed += 1;
      lastActivity = Date.now();
    },
  });
  const idleMs = options.idleMs ?? 5_000;
  while (!reachedNewLetters && Date.now() - lastActivity < idleMs) await new Promise((r) => setTimeout(r, 250));
  await consumer.stop();
  if (!options.producer) await producer.disconnect();
  return replayed;
}
