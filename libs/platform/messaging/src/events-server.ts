import { BaseRpcContext, EventPattern, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import {
  eventDefinitionOf,
  fromBinaryMode,
  Topics,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
} from '@rapport/contracts';
import {
  eventLatency,
  messageRetries,
  messagesConsumed,
  withConsumerSpan,
  type Logger,
} from '@rapport/platform-observability';
import { lastValueFrom, type Observable } from 'rxjs';
import type { DataSource, EntityManager } from 'typeorm';
import type { IncomingRecord, MessageBus, RecordConsumer, RecordHandlerControls, RecordProducer } from './bus';
import { toDeadLetter } from './dead-letter';
import { backoffMs, classifyFailure, PoisonMessageError } from './errors';
import { Inbox } from './inbox';

/** Handles one event type: `@OnEvent(CustomerCreatedV1) handle(@Payload() e, @Ctx() ctx: EventContext)`. */
export function OnEvent(definition: EventDefinition): MethodDecorator {
  return EventPattern(definition.type);
}

/**
 * Handles runs of consecutive events of one type in one call, for set-based work:
 * `@OnEventBatch(PurchaseRecordedV1) handle(@Payload() events: ConsumedEvent<…>[], @Ctx() ctx: EventContext)`.
 * The events are first deliveries only (the inbox already dropped redeliveries), in partition order,
 * all in the transaction of `ctx.manager`; a redelivered or retried event comes alone, as a run of one.
 */
export function OnEventBatch(definition: EventDefinition): MethodDecorator {
  return EventPattern(definition.type, { batch: true });
}

export type ConsumedEvent<E extends EventDefinition> = EventEnvelope<EventData<E>>;

/** What a handler gets besides the event: the transaction its effects (and outbox writes) join. */
export class EventContext extends BaseRpcContext<[EntityManager, IncomingRecord]> {
  get manager(): EntityManager {
    return this.args[0];
  }
  get record(): IncomingRecord {
    return this.args[1];
  }
}

/** Longest wait for the consumer to stop; the stack and the Helm chart give a service 15 s and more. */
const STOP_TIMEOUT_MS = 8_000;

type EventHandler = NonNullable<ReturnType<Server['getHandlerByPattern']>>;

const isBatchHandler = (handler: EventHandler): boolean => handler.extras?.['batch'] === true;

interface Decoded {
  record: IncomingRecord;
  event: EventEnvelope;
  handler: EventHandler;
}

export interface EventsServerOptions {
  consumerGroup: string;
  deadLetterTopic: string;
  /** Attempts for a handler failure of unknown kind before the message is dead-lettered. */
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Partitions processed in parallel (each still in order). */
  partitionConcurrency: number;
  /** Records of one partition handled in one transaction (1 = a transaction per record). */
  batchSize: number;
}

/**
 * The Kafka side of every hybrid app. It consumes the topics of the event types the service has
 * handlers for, validates each event against its contract, and runs the handler inside a transaction
 * that also records the event id in the inbox (so a redelivery has no second effect). Transient
 * failures are retried with backoff without committing; poison messages go to the dead-letter topic
 * and the partition moves on.
 */
export class KafkaEventsServer extends Server implements CustomTransportStrategy {
  private consumer?: RecordConsumer;
  private closing = false;
  /** pause() is stopping the consumer: a failing handler leaves its record for the next delivery. */
  private stopping = false;
  private paused = false;
  private transition: Promise<void> = Promise.resolve();
  private readonly inbox: Inbox;
  private readonly handlers = new Map<string, EventHandler | undefined>();

  constructor(
    private readonly bus: MessageBus,
    private readonly producer: RecordProducer,
    private readonly dataSource: DataSource,
    schema: string,
    private readonly log: Logger,
    private readonly options: EventsServerOptions,
  ) {
    super();
    this.inbox = new Inbox(schema);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.startConsumer();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /**
   * Stops consuming until `resume()`: the records in hand finish and are committed, and this member
   * leaves the group, so that a group whose members all paused is empty (its offsets can then be
   * reset, as analytics' rebuilds do). A server that is not consuming (not listening, paused, closed)
   * is left as it is.
   */
  pause(): Promise<void> {
    return this.serially(async () => {
      if (!this.consumer || this.closing) return;
      this.paused = true;
      this.stopping = true;
      try {
        await this.stopConsumer();
      } finally {
        this.stopping = false;
      }
    });
  }

  /** Consumes again after `pause()`, from the group's committed offsets; otherwise does nothing. */
  resume(): Promise<void> {
    return this.serially(async () => {
      if (!this.paused || this.closing) return;
      await this.startConsumer();
      this.paused = false;
    });
  }

  /** Whether `pause()` stopped the consumer and no `resume()` restarted it yet. */
  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Stops the consumer after the records in hand, but not for ever: a consumer caught rejoining its
   * group (say, just after a broker restart) can take longer than the pod's grace period. Past
   * STOP_TIMEOUT_MS shutdown goes on; what was not committed is delivered again and the inbox drops
   * what was already applied.
   */
  async close(): Promise<void> {
    this.closing = true;
    await this.stopConsumer();
  }

  private async startConsumer(): Promise<void> {
    const topics = this.subscribedTopics();
    if (topics.length === 0) return;
    const consumer = this.bus.consumer(this.options.consumerGroup);
    this.consumer = consumer;
    const started = consumer.start({
      topics,
      fromBeginning: true,
      partitionConcurrency: this.options.partitionConcurrency,
      handle: (record, controls) => this.handle(record, controls),
      ...(this.options.batchSize > 1
        ? {
            maxBatchSize: this.options.batchSize,
            handleBatch: (records: IncomingRecord[], controls: RecordHandlerControls) =>
              this.handleBatch(records, controls),
          }
        : {}),
    });
    try {
      await started;
    } catch (error) {
      this.consumer = undefined;
      await consumer.stop().catch(() => undefined);
      throw error;
    }
    this.log.info({ topics, group: this.options.consumerGroup }, 'consuming events');
  }

  private async stopConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      consumer.stop().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut)
      this.log.warn(
        { group: this.options.consumerGroup, timeoutMs: STOP_TIMEOUT_MS },
        'consumer did not stop in time; going on (uncommitted records will be delivered again)',
      );
  }

  /** Pause and resume one after the other, never interleaved. */
  private serially(step: () => Promise<void>): Promise<void> {
    const next = this.transition.then(step);
    this.transition = next.catch(() => undefined);
    return next;
  }

  on(): never {
    throw new Error('KafkaEventsServer does not emit transport events');
  }

  unwrap<T>(): T {
    throw new Error('KafkaEventsServer does not expose its client');
  }

  subscribedTopics(): string[] {
    const topics = new Set<string>();
    for (const pattern of this.getHandlers().keys()) {
      const definition = eventDefinitionOf(pattern);
      if (!definition) throw new Error(`@OnEvent handler for unknown event type ${pattern}`);
      topics.add(Topics[definition.topic].name);
    }
    return [...topics].sort();
  }

  /** Exposed for tests: the full processing of one record, as the consumer runs it. */
  async handle(record: IncomingRecord, controls: RecordHandlerControls): Promise<void> {
    const item = await this.decode(record);
    if (item) await this.processOne(item, controls);
  }

  /**
   * Several records of one partition in ONE transaction: one inbox statement, the handlers in order,
   * one commit — far fewer round trips and WAL flushes than a transaction per record. If anything in
   * the batch fails, it is rolled back and its records are handled one by one as `handle` does (so
   * retries and the dead-letter topic apply to the failing record alone, never to its neighbours).
   */
  async handleBatch(records: IncomingRecord[], controls: RecordHandlerControls): Promise<void> {
    const items: Decoded[] = [];
    for (const record of records) {
      const item = await this.decode(record);
      if (item) items.push(item);
    }
    if (items.length <= 1) {
      for (const item of items) await this.processOne(item, controls);
      return;
    }
    let fresh: Set<string>;
    try {
      fresh = await this.dataSource.transaction(async (manager) => {
        const firstSeen = await this.inbox.recordMany(
          manager,
          items.map(({ record, event }) => ({ event, topic: record.topic })),
        );
        const applied = new Set<string>();
        // The same id twice in one batch: the second is a duplicate like any redelivery.
        const todo = items.filter(
          ({ event }) => firstSeen.has(event.id) && !applied.has(event.id) && applied.add(event.id),
        );
        for (let start = 0; start < todo.length;) {
          const item = todo[start]!;
          let end = start + 1;
          if (isBatchHandler(item.handler))
            while (end < todo.length && todo[end]!.event.type === item.event.type) end++;
          const run = todo.slice(start, end);
          const attributes = { ...this.spanAttributes(item), 'messaging.batch.message_count': run.length };
          await withConsumerSpan(item.record.topic, item.event, attributes, () => this.run(run, manager));
          start = end;
        }
        return applied;
      });
    } catch (error) {
      if (this.closing || this.stopping) throw error;
      this.log.warn({ err: error, records: items.length }, 'event batch failed, handling its records one at a time');
      for (const item of items) await this.processOne(item, controls);
      return;
    }
    for (const { record, event } of items) {
      const first = fresh.delete(event.id);
      messagesConsumed.inc({ topic: record.topic, outcome: first ? 'processed' : 'duplicate' });
      if (first) eventLatency.observe({ topic: record.topic }, Math.max(0, Date.now() - Date.parse(event.time)) / 1000);
    }
  }

  /** Envelope, handler and schema; what fails here is dead-lettered at once (no retry can fix it). */
  private async decode(record: IncomingRecord): Promise<Decoded | undefined> {
    let envelope: EventEnvelope;
    try {
      envelope = fromBinaryMode(record.headers, record.value);
    } catch (error) {
      await this.deadLetter(record, 'envelope', error as Error, 1);
      return undefined;
    }
    const handler = this.handlerOf(envelope.type);
    if (!handler) {
      messagesConsumed.inc({ topic: record.topic, outcome: 'ignored' });
      return undefined;
    }
    const definition = eventDefinitionOf(envelope.type)!;
    const parsed = definition.schema.safeParse(envelope.data);
    if (!parsed.success) {
      await this.deadLetter(record, 'schema', new PoisonMessageError('schema', parsed.error.message), 1);
      return undefined;
    }
    return { record, event: { ...envelope, data: parsed.data }, handler };
  }

  /** Nest's lookup normalises the pattern on every call; the handlers are fixed once listening. */
  private handlerOf(type: string): EventHandler | undefined {
    if (!this.handlers.has(type)) this.handlers.set(type, this.getHandlerByPattern(type) ?? undefined);
    return this.handlers.get(type);
  }

  private spanAttributes({ record, event }: Decoded) {
    return {
      'messaging.consumer.group.name': this.options.consumerGroup,
      'messaging.message.id': event.id,
      'messaging.kafka.offset': Number(record.offset),
      'messaging.destination.partition.id': String(record.partition),
      ...(record.key === null ? {} : { 'messaging.kafka.message.key': record.key }),
      'cloudevents.event_id': event.id,
      'cloudevents.event_type': event.type,
    };
  }

  private processOne(item: Decoded, controls: RecordHandlerControls): Promise<void> {
    return withConsumerSpan(item.record.topic, item.event, this.spanAttributes(item), () =>
      this.processWithRetries(item, controls),
    );
  }

  /** Runs the handler on one event, or a batch handler on a run of events of its type. */
  private async run(items: Decoded[], manager: EntityManager): Promise<void> {
    const { handler, event } = items[0]!;
    const last = items[items.length - 1]!;
    const payload = isBatchHandler(handler) ? items.map((i) => i.event) : event;
    const result = await handler(payload, new EventContext([manager, last.record]));
    await lastValueFrom(this.transformToObservable(result) as Observable<unknown>, { defaultValue: undefined });
  }

  private async processWithRetries(item: Decoded, controls: RecordHandlerControls): Promise<void> {
    const { record, event } = item;
    for (let attempt = 1; ; attempt++) {
      try {
        const fresh = await this.dataSource.transaction(async (manager) => {
          if (!(await this.inbox.record(manager, event, record.topic))) return false;
          await this.run([item], manager);
          return true;
        });
        messagesConsumed.inc({ topic: record.topic, outcome: fresh ? 'processed' : 'duplicate' });
        if (fresh)
          eventLatency.observe({ topic: record.topic }, Math.max(0, Date.now() - Date.parse(event.time)) / 1000);
        return;
      } catch (error) {
        // Shutting down: leave the offset uncommitted, the next owner of the partition retries.
        if (this.closing || this.stopping) throw error;
        const kind = classifyFailure(error);
        if (kind === 'poison' || (kind === 'unknown' && attempt >= this.options.maxAttempts)) {
          return this.deadLetter(record, kind === 'poison' ? 'poison' : 'handler', error as Error, attempt, event);
        }
        messageRetries.inc({ topic: record.topic, kind });
        const delay = backoffMs(attempt, this.options.retryBaseMs, this.options.retryMaxMs);
        this.log.warn(
          { err: error, eventId: event.id, type: event.type, attempt, kind, retryInMs: delay },
          'event handling failed, retrying',
        );
        // Heartbeats during the wait keep the group membership: a wait longer than the consumer's
        // session (10 s in the local stack) would otherwise cost a rebalance.
        let waited = 0;
        do {
          const step = Math.min(2_000, delay - waited);
          await new Promise((resolve) => setTimeout(resolve, step));
          await controls.heartbeat().catch(() => undefined);
          waited += step;
        } while (waited < delay);
      }
    }
  }

  private async deadLetter(
    record: IncomingRecord,
    reason: string,
    error: Error,
    attempts: number,
    event?: EventEnvelope,
  ): Promise<void> {
    this.log.error(
      {
        err: error,
        reason,
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        eventId: event?.id,
      },
      'dead-lettering message',
    );
    await this.producer.send([
      toDeadLetter(record, this.options.deadLetterTopic, {
        reason,
        error: `${error.name}: ${error.message}`,
        consumerGroup: this.options.consumerGroup,
        attempts,
      }),
    ]);
    messagesConsumed.inc({ topic: record.topic, outcome: 'dead_lettered' });
  }
}
