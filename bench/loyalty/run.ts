// Loyalty benchmark: publishes N purchase.recorded events to the real broker (as customer-profile
// does) against a full local stack (profile "bench": PostgreSQL, Kafka and the six services, as
// `npm start` runs them) and measures how fast loyalty posts the points: events/s and the latency from
// the event's time to the loyalty transaction that credited it.
//
//   node deploy/build.cjs && node_modules/.bin/node --enable-source-maps dist/bench/loyalty/run.js --events 5000 --customers 500
//
// Human-readable lines go to stdout, ending with one line of JSON; the stack's own log lines go to stderr.
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { createEnvelope, PurchaseRecordedV1, Topics, toBinaryMode } from '@rapport/contracts';
import { createMessageBus, type MessageBus, type OutgoingRecord, type RecordProducer } from '@rapport/platform-messaging';
import { createLogger } from '@rapport/platform-observability';
import { killAllSync, Stack } from '@rapport/stack';
import { Client } from 'pg';

interface Args {
  events: number;
  customers: number;
  batch: number;
  warmup: number;
}

const USAGE = `usage: node dist/bench/loyalty/run.js [--events N] [--customers C] [--batch B] [--warmup W]
  --events N     purchase.recorded events measured (default 5000)
  --customers C  distinct customers they spread over (default 500)
  --batch B      records per producer send (default 100)
  --warmup W     events sent first and not measured (default 300; 0 to skip)`;

function parseArgs(argv: string[]): Args {
  const args: Args = { events: 5_000, customers: 500, batch: 100, warmup: 300 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const m = /^--(events|customers|batch|warmup)(?:=(.*))?$/.exec(arg);
    if (!m) fail(`unknown argument ${arg}`);
    const raw = m[2] ?? argv[++i];
    const value = Number(raw);
    const min = m[1] === 'warmup' ? 0 : 1;
    if (raw === undefined || !Number.isInteger(value) || value < min) fail(`--${m[1]} needs an integer >= ${min}, got ${raw}`);
    args[m[1] as keyof Args] = value;
  }
  return args;
}

function fail(message: string): never {
  console.error(`bench loyalty: ${message}\n${USAGE}`);
  process.exit(2);
}

const info = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);

/** Sends `events` purchases over `customers` and waits until loyalty has credited every one. */
async function phase(producer: RecordProducer, db: Client, args: Args, events: number, label: string) {
  const customers = Array.from({ length: Math.min(args.customers, events) }, () => randomUUID());
  const sentAt = new Map<string, number>();
  const records: OutgoingRecord[] = [];
  for (let i = 0; i < events; i++) {
    const customerId = customers[i % customers.length]!;
    const purchaseId = randomUUID();
    const amount = `${100 + (i % 900)}.00`;
    const event = createEnvelope(PurchaseRecordedV1, customerId, {
      purchaseId,
      customerId,
      externalOrderId: `bench-${i}`,
      currency: 'CNY',
      total: amount,
      baseCurrency: 'CNY',
      totalBase: amount,
      lines: [{ sku: 'bench', quantity: 1, unitPrice: amount, lineTotal: amount }],
      occurredAt: new Date().toISOString(),
      firstPurchase: i < customers.length,
    });
    records.push({ topic: Topics.purchases.name, ...toBinaryMode(event) });
    sentAt.set(purchaseId, 0);
  }
  const started = Date.now();
  for (let i = 0; i < records.length; i += args.batch) {
    const chunk = records.slice(i, i + args.batch);
    const now = Date.now();
    // The event time is the send time: what a consumer of customer-profile's commit would see.
    for (const r of chunk) sentAt.set((JSON.parse(r.value) as { purchaseId: string }).purchaseId, now);
    await producer.send(chunk);
  }
  const sent = Date.now();
  info(`${label}: ${events} events sent in ${((sent - started) / 1000).toFixed(1)} s; waiting for loyalty`);
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const { rows } = await db.query('SELECT count(*)::int AS n FROM loyalty.purchases WHERE customer_id = ANY($1::uuid[])', [customers]);
    if (rows[0].n >= events) break;
    if (Date.now() > deadline) throw new Error(`${label}: only ${rows[0].n} of ${events} credited after 10 minutes`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // The movement's created_at is the start of loyalty's transaction (now()); it commits a few ms later.
  const { rows } = await db.query(
    `SELECT substring(source_id from 10) AS purchase_id, (extract(epoch from created_at) * 1000)::float8 AS at
     FROM loyalty.movements WHERE customer_id = ANY($1::uuid[]) AND kind = 'earn' AND source_id LIKE 'purchase:%'`,
    [customers],
  );
  const latencies = rows.map((r) => Number(r.at) - sentAt.get(r.purchase_id)!).sort((a, b) => a - b);
  const last = Math.max(...rows.map((r) => Number(r.at)));
  const seconds = (last - started) / 1000;
  return {
    events,
    credited: rows.length,
    eventsPerSec: round(events / seconds),
    seconds: round(seconds, 2),
    latencyMs: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1) ?? 0) },
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') info(`${warning.name}: ${warning.message}`);
  });
  const stack = new Stack({ profile: 'bench', fresh: true, services: true, log: (line) => info(`[stack] ${line}`), serviceEnv: { LOG_LEVEL: 'warn' } });
  process.on('exit', () => killAllSync());
  let stopping: Promise<void> | undefined;
  const stopStack = () => (stopping ??= stack.stop().catch((error: Error) => info(`stack stop: ${error.message}`)));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      setTimeout(() => process.exit(130), 30_000).unref();
      void stopStack().finally(() => process.exit(130));
    });
  }
  const cpus = os.cpus();
  const loadAtStart = round(os.loadavg()[0]!, 2);
  console.log(
    `loyalty benchmark: ${args.events} purchase.recorded events over ${args.customers} customers, batch ${args.batch}; ` +
      `${cpus.length} cores, node ${process.version}, load average ${loadAtStart} at start`,
  );
  let bus: MessageBus | undefined;
  let producer: RecordProducer | undefined;
  let db: Client | undefined;
  try {
    const t0 = Date.now();
    const { databaseUrl, brokers } = await stack.start();
    console.log(`stack (fresh, profile bench, six services) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    bus = createMessageBus({ clientId: 'rapport-bench-loyalty', brokers }, createLogger('bench-kafka', 'warn'));
    producer = bus.producer();
    if (args.warmup > 0) await phase(producer, db, args, args.warmup, 'warm-up');
    const result = await phase(producer, db, args, args.events, 'measured');
    const rows: Array<[string, string]> = [
      ['events credited', `${result.credited} of ${result.events}`],
      ['throughput', `${result.eventsPerSec} events/s, first send -> last credit (${result.seconds} s)`],
      ['latency event -> points', `p50 ${result.latencyMs.p50} ms, p95 ${result.latencyMs.p95} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms`],
    ];
    console.log('');
    for (const [k, v] of rows) console.log(`  ${k.padEnd(24)}  ${v}`);
    console.log('');
    console.log(JSON.stringify({ bench: 'loyalty', date: new Date().toISOString(), cores: cpus.length, loadAvg1mAtStart: loadAtStart, ...args, ...result }));
    return 0;
  } catch (error) {
    console.error(`bench loyalty failed: ${(error as Error).stack ?? String(error)}`);
    return 1;
  } finally {
    await producer?.disconnect().catch(() => undefined);
    await bus?.close().catch(() => undefined);
    await db?.end().catch(() => undefined);
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
