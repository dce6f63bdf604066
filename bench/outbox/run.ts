// Outbox benchmark: pushes N events through outbox -> relay -> Kafka -> consumer -> inbox on a real
// local stack (embedded PostgreSQL + Kafka, profile "bench"), with the platform's own pieces, and
// prints events/s and commit-to-consume latency. In the same run it measures a baseline without any
// database (our bus's producer straight to our bus's consumer), so figures can be compared across
// machines as a ratio.
//
//   npm run bench:outbox -- --events 20000 --producers 4 --batch 1
//
// Human-readable lines go to stdout, ending with one line of JSON holding every figure; the stack's
// own log lines go to stderr.
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  createEnvelope,
  CustomerCreatedV1,
  deadLetterTopicOf,
  fromBinaryMode,
  toBinaryMode,
  type EventEnvelope,
  type TopicDefinition,
} from '@rapport/contracts';
import { createServiceDataSource, runMigrations } from '@rapport/platform-database';
import {
  createMessageBus,
  EventContext,
  KafkaEventsServer,
  messagingTablesMigration,
  OutboxRelay,
  OutboxWriter,
  type MessageBus,
  type OutgoingRecord,
  type RecordConsumer,
  type RecordProducer,
} from '@rapport/platform-messaging';
import { createLogger } from '@rapport/platform-observability';
import { killAllSync, Stack } from '@rapport/stack';
import { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { benchArgs, int } from '../lib/cli';
import { percentile } from '../lib/stats';

const SCHEMA = 'bench_outbox';
const RELAY_POLL_INTERVAL_MS = 1_000;
const RELAY_BATCH_SIZE = 500;
const BASELINE_BATCH_SIZE = 500;
const PHASE_TIMEOUT_MS = 5 * 60_000;
const SUSTAINED_WRITERS = 16;
const BASELINE_TOPIC: TopicDefinition = {
  name: 'rapport.bench.baseline',
  owner: 'analytics',
  partitions: 6,
  retentionMs: 3_600_000,
  cleanupPolicy: 'delete',
  description: 'bench baseline',
};

// ---------------------------------------------------------------------------------------------
// Arguments

const USAGE = `usage: npm run bench:outbox -- [--events N] [--producers P] [--batch B] [--warmup W]
  --events N     events pushed through each pipeline (default 20000)
  --producers P  concurrent writer transactions (default 4)
  --batch B      events per writer transaction (default 1)
  --warmup W     events sent (and not measured) before each measured phase (default 500)
  --concurrency C  partitions the consumer handles at once, as CONSUMER_PARTITION_CONCURRENCY (default 3)
  --consumer-batch K  records of a partition per inbox transaction, as CONSUMER_BATCH_SIZE (default 100; 1 = one per record)
  --rate R       sustained-rate mode: the writers offer R events/s (one per transaction, on a fixed schedule,
                 at least 16 writers at once)
                 instead of running flat out; the baseline stays flat out (default 0 = flat out)`;

const OPTIONS = {
  events: int(20_000),
  producers: int(4),
  batch: int(1),
  warmup: int(500, { min: 0 }),
  concurrency: int(3),
  consumerBatch: int(100),
  rate: int(0, { min: 0 }),
};
type Args = ReturnType<typeof benchArgs<typeof OPTIONS>>;

// ---------------------------------------------------------------------------------------------
// Bookkeeping: one Phase per measured (or warm-up) run, events found by id

class Phase {
  /** performance.now() at commit (outbox) or at send (baseline), by event id. */
  readonly committedAt = new Map<string, number>();
  /** performance.now() after the consumer's transaction committed (first delivery only). */
  readonly consumedAt = new Map<string, number>();
  /** The Kafka record's timestamp (epoch ms, set by the producer when it sent the record). */
  readonly sentAt = new Map<string, number>();
  duplicates = 0;
  firstCommit = Infinity;
  lastCommit = -Infinity;
  lastConsume = -Infinity;
  private readonly done: Promise<void>;
  private resolveDone!: () => void;
  private rejectDone!: (error: Error) => void;

  constructor(
    readonly name: string,
    readonly expected: number,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.done.catch(() => undefined); // observed by wait()
    if (expected === 0) this.resolveDone();
  }

  committed(ids: readonly string[], at: number): void {
    for (const id of ids) this.committedAt.set(id, at);
    if (at < this.firstCommit) this.firstCommit = at;
    if (at > this.lastCommit) this.lastCommit = at;
  }

  consumed(id: string, at: number, fresh: boolean, sentAt: number): void {
    if (!fresh || this.consumedAt.has(id)) {
      this.duplicates += 1;
      return;
    }
    this.consumedAt.set(id, at);
    this.sentAt.set(id, sentAt);
    this.lastConsume = at;
    if (this.consumedAt.size === this.expected) this.resolveDone();
  }

  fail(error: Error): void {
    this.rejectDone(error);
  }

  async wait(timeoutMs: number, progress: () => string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const ticker = setInterval(() => info(`  ${this.name}: ${progress()}`), 5_000);
    try {
      await Promise.race([
        this.done,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${this.name}: not done after ${timeoutMs / 1000} s (${progress()})`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
      clearInterval(ticker);
    }
  }

  latenciesMs(): number[] {
    const out: number[] = [];
    for (const [id, consumed] of this.consumedAt) {
      const committed = this.committedAt.get(id);
      if (committed === undefined) throw new Error(`${this.name}: event ${id} consumed but never committed`);
      out.push(consumed - committed);
    }
    return out.sort((a, b) => a - b);
  }

  /**
   * Where the time goes, from the Kafka record timestamp (wall clock, ms precision): commit -> the
   * producer sent it (outbox: the relay's pick-up and send), and sent -> consumed.
   */
  stagesMs(): { toSend: number[]; sendToConsume: number[] } {
    const toSend: number[] = [];
    const sendToConsume: number[] = [];
    for (const [id, consumed] of this.consumedAt) {
      const sent = this.sentAt.get(id)!;
      toSend.push(sent - wallClock(this.committedAt.get(id)!));
      sendToConsume.push(wallClock(consumed) - sent);
    }
    return { toSend: toSend.sort((a, b) => a - b), sendToConsume: sendToConsume.sort((a, b) => a - b) };
  }
}

/** performance.now() as epoch milliseconds. */
function wallClock(perfNow: number): number {
  return performance.timeOrigin + perfNow;
}

/** Routes consumed event ids to the phase that produced them; anything else is counted as foreign. */
class Router {
  private readonly owners = new Map<string, Phase>();
  foreign = 0;

  own(id: string, phase: Phase): void {
    this.owners.set(id, phase);
  }

  consumed(id: string, at: number, fresh: boolean, sentAt: number): void {
    const phase = this.owners.get(id);
    if (phase) phase.consumed(id, at, fresh, sentAt);
    else this.foreign += 1;
  }
}

interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function percentiles(sorted: number[]): Latency {
  const at = (q: number) => (sorted.length ? percentile(sorted, q * 100) : NaN);
  return {
    p50: round(at(0.5), 1),
    p95: round(at(0.95), 1),
    p99: round(at(0.99), 1),
    max: round(sorted.at(-1) ?? NaN, 1),
  };
}

function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function perSecond(count: number, fromMs: number, toMs: number): number {
  return round(count / ((toMs - fromMs) / 1000));
}

function info(line: string): void {
  process.stderr.write(`${line}\n`);
}

function customerCreated(): {
  subject: string;
  data: { customerId: string; kind: 'person' | 'organisation'; createdAt: string };
} {
  const customerId = randomUUID();
  return {
    subject: customerId,
    data: { customerId, kind: Math.random() < 0.5 ? 'person' : 'organisation', createdAt: new Date().toISOString() },
  };
}

// ---------------------------------------------------------------------------------------------
// Outbox pipeline: writers -> outbox table -> OutboxRelay -> Kafka -> consumer + Inbox

interface OutboxFigures {
  events: number;
  writerEventsPerSec: number;
  e2eEventsPerSec: number;
  latencyMs: Latency;
  /** commit -> relay sent the record, and sent -> consumed (from the record timestamp). */
  stagesMs: { commitToSend: Latency; sendToConsume: Latency };
  /** Deliveries seen again, plus handler runs beyond the first for one event (a duplicate effect). */
  duplicates: number;
  /** Committed but never consumed (0 unless the phase timed out). */
  lost: number;
  /** Sustained-rate mode: how far behind its schedule the latest writer transaction started. */
  writerLateMs: number;
  writeSeconds: number;
  e2eSeconds: number;
}

class OutboxPipeline {
  private readonly router = new Router();
  private readonly writer = new OutboxWriter(SCHEMA);
  private readonly producer: RecordProducer;
  private readonly dlqProducer: RecordProducer;
  private relay?: OutboxRelay;
  private server?: KafkaEventsServer;
  private current?: Phase;
  /** Events the handler saw, by the transaction (its manager) they belong to; marked consumed after commit. */
  private readonly inTransaction = new Map<EntityManager, IncomingEvent[]>();
  /** Handler runs per event id: more than one is a duplicate effect. */
  readonly effects = new Map<string, number>();

  constructor(
    private readonly bus: MessageBus,
    private readonly dataSource: DataSource,
    private readonly databaseUrl: string,
    private readonly args: Args,
    private readonly runId: string,
  ) {
    this.producer = bus.producer();
    this.dlqProducer = bus.producer();
  }

  async start(): Promise<void> {
    const logger = createLogger('bench-outbox', 'warn');
    this.relay = new OutboxRelay(this.dataSource, this.producer, logger, {
      schema: SCHEMA,
      listenUrl: this.databaseUrl,
      pollIntervalMs: RELAY_POLL_INTERVAL_MS,
      batchSize: RELAY_BATCH_SIZE,
    });
    await this.relay.start();
    // The consumer is the platform's own KafkaEventsServer, as a service runs it (inbox, batches of a
    // partition in one transaction, retries, dead letters), with one handler for customer.created.v1.
    // Its data source is wrapped so that the consume time is taken once the inbox transaction committed.
    const timed = new Proxy(this.dataSource, {
      get: (target, property, receiver) =>
        property === 'transaction'
          ? async (work: (manager: EntityManager) => Promise<unknown>) => {
              let seen: IncomingEvent[] = [];
              const result = await target.transaction(async (manager) => {
                seen = [];
                this.inTransaction.set(manager, seen);
                try {
                  return await work(manager);
                } finally {
                  this.inTransaction.delete(manager);
                }
              });
              const at = performance.now();
              for (const event of seen) this.router.consumed(event.id, at, true, event.sentAt);
              return result;
            }
          : Reflect.get(target, property, receiver),
    });
    this.server = new KafkaEventsServer(this.bus, this.dlqProducer, timed, SCHEMA, logger, {
      consumerGroup: `rapport.bench.outbox.${this.runId}`,
      deadLetterTopic: deadLetterTopicOf('analytics').name,
      maxAttempts: 3,
      retryBaseMs: 100,
      retryMaxMs: 1_000,
      partitionConcurrency: this.args.concurrency,
      batchSize: this.args.consumerBatch,
    });
    this.server.addHandler(
      CustomerCreatedV1.type,
      async (event: EventEnvelope, context: EventContext) => {
        this.effects.set(event.id, (this.effects.get(event.id) ?? 0) + 1);
        const seen = this.inTransaction.get(context.manager);
        if (!seen) this.current?.fail(new Error('the handler ran outside an inbox transaction'));
        seen?.push({ id: event.id, sentAt: Number(context.record.timestamp) });
      },
      true,
    );
    await new Promise<void>((resolve, reject) =>
      this.server!.listen((error?: unknown) => (error ? reject(error as Error) : resolve())),
    );
  }

  async stop(): Promise<void> {
    const server = this.server;
    const relay = this.relay;
    this.server = undefined;
    this.relay = undefined;
    await server?.close().catch((error: Error) => info(`outbox consumer stop: ${error.message}`));
    await relay?.stop().catch((error: Error) => info(`outbox relay stop: ${error.message}`));
    await this.producer.disconnect().catch(() => undefined);
    await this.dlqProducer.disconnect().catch(() => undefined);
  }

  async run(name: string, count: number, rate = 0): Promise<OutboxFigures> {
    const phase = new Phase(name, count);
    this.current = phase;
    const producers = writersOf(this.args, rate);
    // At a fixed rate every transaction holds one event, started on its slot of the schedule.
    const batch = rate > 0 ? 1 : this.args.batch;
    let remaining = count;
    let next = 0;
    let lateMs = 0;
    const writeStart = performance.now();
    const loop = async (): Promise<void> => {
      while (remaining > 0) {
        const n = Math.min(batch, remaining);
        remaining -= n;
        if (rate > 0) {
          const due = writeStart + (next++ * 1000) / rate;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          else lateMs = Math.max(lateMs, -wait);
        }
        const ids: string[] = [];
        await this.dataSource.transaction(async (manager) => {
          // One statement for the transaction's events (OutboxWriter.addMany), as a set-based write does.
          await this.writer.addMany(
            manager,
            Array.from({ length: n }, () => ({ definition: CustomerCreatedV1, ...customerCreated() })),
            (envelope) => {
              ids.push(envelope.id);
              this.router.own(envelope.id, phase); // before commit: the consumer may see it right after
            },
          );
        });
        phase.committed(ids, performance.now());
      }
    };
    const writers = Promise.all(Array.from({ length: producers }, loop));
    writers.catch((error: Error) => phase.fail(error));
    await writers;
    await phase.wait(
      PHASE_TIMEOUT_MS,
      () => `committed ${phase.committedAt.size}/${count}, consumed ${phase.consumedAt.size}/${count}`,
    );
    const stages = phase.stagesMs();
    let duplicateEffects = 0;
    for (const id of phase.consumedAt.keys()) duplicateEffects += Math.max(0, (this.effects.get(id) ?? 0) - 1);
    return {
      events: count,
      writerEventsPerSec: perSecond(count, writeStart, phase.lastCommit),
      e2eEventsPerSec: perSecond(count, phase.firstCommit, phase.lastConsume),
      latencyMs: percentiles(phase.latenciesMs()),
      stagesMs: { commitToSend: percentiles(stages.toSend), sendToConsume: percentiles(stages.sendToConsume) },
      duplicates: phase.duplicates + duplicateEffects,
      lost: count - phase.consumedAt.size,
      writerLateMs: round(lateMs, 1),
      writeSeconds: round((phase.lastCommit - writeStart) / 1000, 2),
      e2eSeconds: round((phase.lastConsume - phase.firstCommit) / 1000, 2),
    };
  }

  get foreign(): number {
    return this.router.foreign;
  }
}

/**
 * Concurrent writer transactions: --producers, or at a fixed rate at least 16, so that the schedule is
 * kept when a commit takes longer than the interval between two events (an open loop, as independent
 * requests of a service are).
 */
function writersOf(args: Args, rate: number): number {
  return rate > 0 ? Math.max(args.producers, SUSTAINED_WRITERS) : args.producers;
}

interface IncomingEvent {
  id: string;
  sentAt: number;
}

// ---------------------------------------------------------------------------------------------
// Baseline: our bus's producer -> Kafka -> our bus's consumer, no database

interface BaselineFigures {
  events: number;
  eventsPerSec: number;
  seconds: number;
  latencyMs: Latency;
  duplicates: number;
}

class BaselinePipeline {
  private readonly router = new Router();
  private readonly producer: RecordProducer;
  private consumer?: RecordConsumer;
  private current?: Phase;

  constructor(
    private readonly bus: MessageBus,
    private readonly runId: string,
  ) {
    this.producer = bus.producer();
  }

  async start(): Promise<void> {
    await this.bus.ensureTopics([BASELINE_TOPIC]);
    this.consumer = this.bus.consumer(`rapport.bench.baseline.${this.runId}`);
    await this.consumer.start({
      topics: [BASELINE_TOPIC.name],
      fromBeginning: true,
      handle: async (record) => {
        try {
          // Decode like the outbox consumer does, so the difference is the database work.
          const envelope = fromBinaryMode(record.headers, record.value);
          this.router.consumed(envelope.id, performance.now(), true, Number(record.timestamp));
        } catch (error) {
          this.current?.fail(error as Error);
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop().catch((error: Error) => info(`baseline consumer stop: ${error.message}`));
    await this.producer.disconnect().catch(() => undefined);
  }

  async run(name: string, count: number): Promise<BaselineFigures> {
    const phase = new Phase(name, count);
    this.current = phase;
    // One sequential sender with batches of 500, as the relay sends.
    for (let sent = 0; sent < count;) {
      const n = Math.min(BASELINE_BATCH_SIZE, count - sent);
      const records: OutgoingRecord[] = [];
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const { subject, data } = customerCreated();
        const envelope = createEnvelope(CustomerCreatedV1, subject, CustomerCreatedV1.schema.parse(data));
        const record = toBinaryMode(envelope);
        records.push({ topic: BASELINE_TOPIC.name, ...record });
        ids.push(envelope.id);
        this.router.own(envelope.id, phase);
      }
      phase.committed(ids, performance.now());
      await this.producer.send(records);
      sent += n;
    }
    await phase.wait(
      PHASE_TIMEOUT_MS,
      () => `sent ${phase.committedAt.size}/${count}, consumed ${phase.consumedAt.size}/${count}`,
    );
    return {
      events: count,
      eventsPerSec: perSecond(count, phase.firstCommit, phase.lastConsume),
      seconds: round((phase.lastConsume - phase.firstCommit) / 1000, 2),
      latencyMs: percentiles(phase.latenciesMs()),
      duplicates: phase.duplicates,
    };
  }

  get foreign(): number {
    return this.router.foreign;
  }
}

// ---------------------------------------------------------------------------------------------

async function prepareSchema(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Fresh stacks have no such schema; an external DATABASE_URL may hold one from an earlier run.
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await client.query(`CREATE SCHEMA ${SCHEMA}`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<number> {
  const args = benchArgs(USAGE, OPTIONS);
  // Warnings go through the bench's own output. None is filtered: the negative timer of kafkajs 2.2.4
  // that Node 24 warned about (TimeoutNegativeWarning) is patched (patches/kafkajs+2.2.4.patch).
  process.removeAllListeners('warning');
  process.on('warning', (warning) => info(`${warning.name}: ${warning.message}`));
  const runId = `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
  const stack = new Stack({ profile: 'bench', fresh: true, services: false, log: (line) => info(`[stack] ${line}`) });
  process.on('exit', () => killAllSync());
  let stopping: Promise<void> | undefined;
  const stopStack = () => (stopping ??= stack.stop().catch((error: Error) => info(`stack stop: ${error.message}`)));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      info(`bench outbox: ${signal}, stopping the stack`);
      setTimeout(() => process.exit(130), 30_000).unref();
      void stopStack().finally(() => process.exit(130));
    });
  }

  const cpus = os.cpus();
  const loadAtStart = round(os.loadavg()[0]!, 2);
  console.log(
    `outbox benchmark: ${args.events} events, ${args.producers} producers, batch ${args.batch}; ` +
      `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown cpu'}), node ${process.version}, ` +
      `load average ${loadAtStart} at start`,
  );
  let bus: MessageBus | undefined;
  let dataSource: DataSource | undefined;
  let outbox: OutboxPipeline | undefined;
  let baseline: BaselinePipeline | undefined;
  try {
    const t0 = Date.now();
    const { databaseUrl, brokers } = await stack.start();
    console.log(`stack (fresh PostgreSQL + Kafka, profile bench) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    await prepareSchema(databaseUrl);
    dataSource = createServiceDataSource({
      url: databaseUrl,
      schema: SCHEMA,
      applicationName: 'rapport-bench-outbox',
      migrations: [messagingTablesMigration(SCHEMA)],
      // the writers, the relay's batch transaction and the consumer's inbox transaction
      poolMax: writersOf(args, args.rate) + 4,
    });
    await dataSource.initialize();
    await runMigrations(dataSource, SCHEMA);
    bus = createMessageBus({ clientId: 'rapport-bench', brokers }, createLogger('bench-kafka', 'warn'));

    // --- outbox -> Kafka -> inbox
    outbox = new OutboxPipeline(bus, dataSource, databaseUrl, args, runId);
    await outbox.start();
    if (args.warmup > 0) {
      console.log(
        `warm-up: ${args.warmup} events through the outbox pipeline (not measured; joins the consumer group, fills pools, JIT)`,
      );
      await outbox.run('outbox warm-up', args.warmup, args.rate);
    }
    console.log(
      `measuring: ${args.events} events through outbox -> relay -> Kafka -> consumer -> inbox` +
        (args.rate > 0 ? `, offered at ${args.rate} events/s` : ', writers flat out'),
    );
    const o = await outbox.run('outbox', args.events, args.rate);
    await outbox.stop();

    // --- baseline: bus producer -> Kafka -> bus consumer
    baseline = new BaselinePipeline(bus, runId);
    await baseline.start();
    if (args.warmup > 0) {
      console.log(`warm-up: ${args.warmup} records through the baseline pipeline (not measured)`);
      await baseline.run('baseline warm-up', args.warmup);
    }
    console.log(
      `measuring: ${args.events} records through the baseline (bus producer -> Kafka -> bus consumer, no database)`,
    );
    const b = await baseline.run('baseline', args.events);
    await baseline.stop();

    const ratio = round(o.e2eEventsPerSec / b.eventsPerSec, 3);
    const rows: Array<[string, string]> = [
      ['events', `${o.events}`],
      ['producers x batch', `${writersOf(args, args.rate)} x ${args.rate > 0 ? 1 : args.batch}`],
      ['mode', args.rate > 0 ? `sustained: ${args.rate} events/s offered` : 'flat out'],
      [
        'consumer',
        `KafkaEventsServer, ${args.concurrency} partitions at once, ${args.consumerBatch} records per inbox transaction`,
      ],
      [
        'writer throughput',
        `${o.writerEventsPerSec} events/s committed (${o.writeSeconds} s)` +
          (args.rate > 0 ? `; latest start behind schedule ${o.writerLateMs} ms` : ''),
      ],
      ['end-to-end throughput', `${o.e2eEventsPerSec} events/s, first commit -> last consume (${o.e2eSeconds} s)`],
      [
        'latency commit->consume',
        `p50 ${o.latencyMs.p50} ms, p95 ${o.latencyMs.p95} ms, p99 ${o.latencyMs.p99} ms, max ${o.latencyMs.max} ms`,
      ],
      [
        '  of which (p50 / p99)',
        `commit->relay send ${o.stagesMs.commitToSend.p50} / ${o.stagesMs.commitToSend.p99} ms, ` +
          `send->consumed ${o.stagesMs.sendToConsume.p50} / ${o.stagesMs.sendToConsume.p99} ms`,
      ],
      ['duplicates (inbox)', `${o.duplicates}`],
      ['lost', `${o.lost}`],
      ['baseline throughput', `${b.eventsPerSec} events/s, first send -> last consume (${b.seconds} s)`],
      [
        'baseline send->consume',
        `p50 ${b.latencyMs.p50} ms, p99 ${b.latencyMs.p99} ms (a bulk sender: mostly queueing)`,
      ],
      ['outbox / baseline', `${ratio}`],
    ];
    const foreign = outbox.foreign + baseline.foreign;
    if (foreign > 0) rows.push(['foreign records ignored', `${foreign}`]);
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log('');
    for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
    console.log('');
    console.log(
      JSON.stringify({
        bench: 'outbox',
        date: new Date().toISOString(),
        cores: cpus.length,
        loadAvg1mAtStart: loadAtStart,
        events: o.events,
        producers: args.producers,
        batch: args.batch,
        warmup: args.warmup,
        rate: args.rate,
        concurrency: args.concurrency,
        consumerBatch: args.consumerBatch,
        writerLateMs: o.writerLateMs,
        lost: o.lost,
        writerEventsPerSec: o.writerEventsPerSec,
        e2eEventsPerSec: o.e2eEventsPerSec,
        latencyMs: o.latencyMs,
        stagesMs: o.stagesMs,
        duplicates: o.duplicates,
        baselineEventsPerSec: b.eventsPerSec,
        baselineLatencyMs: b.latencyMs,
        ratio,
      }),
    );
    return 0;
  } catch (error) {
    console.error(`bench outbox failed: ${(error as Error).stack ?? String(error)}`);
    return 1;
  } finally {
    await outbox?.stop();
    await baseline?.stop();
    await bus?.close().catch(() => undefined);
    await dataSource?.destroy().catch(() => undefined);
    await stopStack();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
