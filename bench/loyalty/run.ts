// Loyalty benchmark, against a full local stack (profile "bench": PostgreSQL, Kafka and the six
// services, as `npm start` runs them). Purchases are offered at a fixed rate (open loop) from two
// sources, one after the other: through the public API (gateway -> customer-profile, whose outbox
// publishes purchase.recorded), and straight to the broker (loyalty's consumer alone). For each it
// measures the sustained rate of credited purchases and the latency from the purchase's commit to its
// points being visible in loyalty's ledger.
//
//   node deploy/build.cjs && node_modules/.bin/node --enable-source-maps dist/bench/loyalty/run.js --rate 2000 --events 6000
//
// Human-readable lines go to stdout, ending with one line of JSON; the stack's own log lines go to stderr.
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { createEnvelope, PurchaseRecordedV1, Topics, toBinaryMode } from '@rapport/contracts';
import { createMessageBus, outboxChannel, type MessageBus, type RecordProducer } from '@rapport/platform-messaging';
import { createLogger } from '@rapport/platform-observability';
import { demoUserToken, killAllSync, Stack } from '@rapport/stack';
import { Client } from 'pg';
import { benchArgs, int, profile, someOf } from '../lib/cli';
import { percentile, round } from '../lib/stats';

type Source = 'api' | 'import' | 'kafka';

const USAGE = `usage: node dist/bench/loyalty/run.js [--events N] [--customers C] [--rate R] [--source S[,S…]] [--warmup W] [--profile P]
  --events N     purchases measured per source (default 6000)
  --customers C  distinct customers they spread over (default 500)
  --rate R       purchases offered per second, open loop (default 2000)
  --source S     where purchases are recorded, one or more of (default import,kafka, one after the other):
                 api: POST /api/v1/customers/{id}/purchases through the gateway, one purchase per request;
                 import: POST /api/v1/imports?type=purchases through the gateway, the purchases of each
                 100 ms in one CSV (customer-profile's bulk path); both write purchase.recorded through
                 customer-profile's outbox; kafka: purchase.recorded straight to the broker (loyalty alone)
  --warmup W     purchases sent first at the same rate and not measured (default 500; 0 to skip)
  --profile P    stack profile (default bench)`;

const SOURCE_PATHS: Record<Source, string> = {
  api: 'api (POST /customers/{id}/purchases: gateway -> customer-profile -> outbox -> Kafka -> loyalty)',
  import:
    'import (POST /imports?type=purchases every 100 ms: gateway -> customer-profile -> outbox -> Kafka -> loyalty)',
  kafka: 'kafka (purchase.recorded straight to the broker -> loyalty)',
};

const info = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * When each purchase's points became visible. Loyalty's commits that credit points also write
 * points.earned to its outbox, whose trigger NOTIFYs; on each notification (and every 100 ms besides)
 * the watcher reads which of the purchases still pending are recorded (by primary key; the purchase row
 * commits with its points) and stamps them with that time — what a client asking for the balance would
 * see. Reading on commits rather than on a tight timer keeps the watcher's own load on the database small.
 */
class VisibilityWatch {
  readonly seenAt = new Map<string, number>();
  private readonly pending = new Set<string>();
  private running = true;
  private wake: (() => void) | undefined;
  private loop: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: Client,
    private readonly listener: Client,
  ) {}

  static async start(databaseUrl: string): Promise<VisibilityWatch> {
    const db = new Client({ connectionString: databaseUrl });
    const listener = new Client({ connectionString: databaseUrl });
    await db.connect();
    await listener.connect();
    const watch = new VisibilityWatch(db, listener);
    listener.on('notification', () => watch.wake?.());
    await listener.query(`LISTEN ${outboxChannel('loyalty')}`);
    watch.loop = watch.run();
    return watch;
  }

  expect(purchaseId: string): void {
    this.pending.add(purchaseId);
  }

  get waiting(): number {
    return this.pending.size;
  }

  private async run(): Promise<void> {
    while (this.running) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      if (this.pending.size === 0) continue;
      const { rows } = await this.db.query(
        `SELECT purchase_id FROM loyalty.purchases WHERE purchase_id = ANY($1::uuid[])`,
        [[...this.pending]],
      );
      const now = Date.now();
      for (const row of rows) {
        this.seenAt.set(row.purchase_id, now);
        this.pending.delete(row.purchase_id);
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.listener.end();
    await this.db.end();
  }
}

/**
 * Offers `events` purchases at `rate`/s, open loop: every tick the purchases then due are handed to
 * `send` together, whether or not earlier ones were answered (a slow consumer does not slow the sender).
 */
async function offer(
  events: number,
  rate: number,
  tickMs: number,
  send: (indices: number[]) => Promise<void>,
): Promise<{ offeredSeconds: number; failures: number }> {
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  let failures = 0;
  for (let next = 0; next < events;) {
    const due = Math.min(events, Math.floor(((Date.now() - started) * rate) / 1000) + 1);
    if (due > next) {
      const indices = Array.from({ length: due - next }, (_, k) => next + k);
      next = due;
      const p = send(indices).catch((error: Error) => {
        failures += indices.length;
        if (failures <= 5 * indices.length) info(`send failed: ${error.message}`);
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await sleep(tickMs);
  }
  await Promise.all(inFlight);
  return { offeredSeconds: (Date.now() - started) / 1000, failures };
}

interface PhaseResult {
  source: Source;
  events: number;
  credited: number;
  failures: number;
  offeredPerSec: number;
  creditedPerSec: number;
  seconds: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

interface PurchaseToRecord {
  i: number;
  customerId: string;
  amount: string;
}

/** A way to record purchases; answers each one's id and commit time (failed ones are left out). */
interface PurchaseSource {
  /** How often due purchases are handed over. */
  readonly tickMs: number;
  record(purchases: PurchaseToRecord[]): Promise<Array<{ purchaseId: string; committedAt: number }>>;
}

class KafkaSource implements PurchaseSource {
  readonly tickMs = 10;
  constructor(private readonly producer: RecordProducer) {}

  async record(purchases: PurchaseToRecord[]) {
    const events = purchases.map(({ i, customerId, amount }) =>
      createEnvelope(PurchaseRecordedV1, customerId, {
        purchaseId: randomUUID(),
        customerId,
        externalOrderId: `bench-k-${randomUUID()}`,
        currency: 'CNY',
        total: amount,
        baseCurrency: 'CNY',
        totalBase: amount,
        lines: [{ sku: 'bench', quantity: 1, unitPrice: amount, lineTotal: amount }],
        occurredAt: new Date().toISOString(),
        firstPurchase: i === 0,
      }),
    );
    await this.producer.send(events.map((event) => ({ topic: Topics.purchases.name, ...toBinaryMode(event) })));
    // The broker's acknowledgement stands for customer-profile's commit: from then on a consumer can see the events.
    const committedAt = Date.now();
    return events.map((event) => ({ purchaseId: event.data.purchaseId, committedAt }));
  }
}

class ApiSource implements PurchaseSource {
  readonly tickMs = 10;
  constructor(
    private readonly gatewayUrl: string,
    private readonly token: string,
  ) {}

  async createCustomers(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, n - i) }, async (_, j) => {
          const body = await this.post('/api/v1/customers?force=true', { name: `Bench ${i + j}` });
          return body.id as string;
        }),
      );
      ids.push(...batch);
    }
    return ids;
  }

  async record(purchases: PurchaseToRecord[]) {
    const answers = await Promise.allSettled(
      purchases.map(async ({ customerId, amount }) => {
        const body = await this.post(`/api/v1/customers/${customerId}/purchases`, {
          externalOrderId: `bench-a-${randomUUID()}`,
          currency: 'CNY',
          channel: 'store',
          occurredAt: new Date().toISOString(),
          lines: [{ sku: 'TEA-001', name: '西湖龙井', category: 'tea', quantity: 1, unitPrice: Number(amount) }],
        });
        // customer-profile committed before it answered: the answer's arrival is the latest the commit can be.
        return { purchaseId: body.id as string, committedAt: Date.now() };
      }),
    );
    const failed = answers.filter((a) => a.status === 'rejected');
    if (failed.length > 0)
      info(`${failed.length} purchase requests failed: ${String((failed[0] as PromiseRejectedResult).reason)}`);
    return answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
  }

  async post(path: string, payload: object | string): Promise<Record<string, unknown>> {
    const csv = typeof payload === 'string';
    const response = await fetch(`${this.gatewayUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': csv ? 'text/csv' : 'application/json' },
      body: csv ? payload : JSON.stringify(payload),
    });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  }
}

/** customer-profile's bulk path: the purchases of each tick as one CSV import (one transaction). */
class ImportSource implements PurchaseSource {
  readonly tickMs = 100;

  constructor(
    private readonly api: ApiSource,
    private readonly db: Client,
  ) {}

  async record(purchases: PurchaseToRecord[]) {
    const orders = purchases.map((p) => ({ ...p, externalOrderId: `bench-i-${randomUUID()}` }));
    const now = new Date().toISOString();
    const csv = [
      'externalOrderId,customerId,currency,channel,occurredAt,sku,name,category,quantity,unitPrice',
      ...orders.map((o) => `${o.externalOrderId},${o.customerId},CNY,store,${now},TEA-001,西湖龙井,tea,1,${o.amount}`),
    ].join('\n');
    const job = await this.api.post('/api/v1/imports?type=purchases', csv);
    // The import committed before it answered: the answer's arrival is the latest the commit can be.
    const committedAt = Date.now();
    if (job['rowsImported'] !== orders.length)
      throw new Error(
        `import recorded ${String(job['rowsImported'])} of ${orders.length}: ${JSON.stringify(job['errors']).slice(0, 300)}`,
      );
    const { rows } = await this.db.query(
      `SELECT id FROM customer_profile.purchases WHERE external_order_id = ANY($1::text[])`,
      [orders.map((o) => o.externalOrderId)],
    );
    return rows.map((r: { id: string }) => ({ purchaseId: r.id, committedAt }));
  }
}

/** Offers `events` purchases over `customers` at the given rate and waits until loyalty has credited every one. */
async function phase(
  source: Source,
  recorder: PurchaseSource,
  databaseUrl: string,
  customers: string[],
  events: number,
  rate: number,
  label: string,
): Promise<PhaseResult> {
  const watch = await VisibilityWatch.start(databaseUrl);
  const committedAt = new Map<string, number>();
  try {
    const { offeredSeconds, failures } = await offer(events, rate, recorder.tickMs, async (indices) => {
      const recorded = await recorder.record(
        indices.map((i) => ({ i, customerId: customers[i % customers.length]!, amount: `${100 + (i % 900)}.00` })),
      );
      for (const { purchaseId, committedAt: at } of recorded) {
        committedAt.set(purchaseId, at);
        watch.expect(purchaseId);
      }
      if (recorded.length < indices.length)
        throw new Error(`${indices.length - recorded.length} purchases were not recorded`);
    });
    info(
      `${label}: ${events} purchases offered in ${offeredSeconds.toFixed(1)} s (${failures} failed); waiting for loyalty`,
    );
    const deadline = Date.now() + 5 * 60_000;
    while (watch.waiting > 0) {
      if (Date.now() > deadline)
        throw new Error(
          `${label}: ${watch.waiting} of ${committedAt.size} purchases still not credited after 5 minutes`,
        );
      await sleep(50);
    }
    return summary(source, events, failures, offeredSeconds, committedAt, watch.seenAt);
  } finally {
    await watch.stop();
  }
}

function summary(
  source: Source,
  events: number,
  failures: number,
  offeredSeconds: number,
  committedAt: Map<string, number>,
  seenAt: Map<string, number>,
): PhaseResult {
  const latencies = [...committedAt].map(([id, at]) => seenAt.get(id)! - at).sort((a, b) => a - b);
  const first = Math.min(...committedAt.values());
  const last = Math.max(...[...committedAt.keys()].map((id) => seenAt.get(id)!));
  const seconds = (last - first) / 1000;
  return {
    source,
    events,
    credited: committedAt.size,
    failures,
    offeredPerSec: round(events / offeredSeconds),
    creditedPerSec: round(committedAt.size / seconds),
    seconds: round(seconds, 2),
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies.at(-1) ?? 0),
    },
  };
}

async function main(): Promise<number> {
  const args = benchArgs(USAGE, {
    events: int(6_000),
    customers: int(500),
    rate: int(2_000),
    source: someOf<Source>(['import', 'kafka'], ['api', 'import', 'kafka']),
    warmup: int(500, { min: 0 }),
    profile: profile(),
  });
  process.removeAllListeners('warning');
  process.on('warning', (warning) => info(`${warning.name}: ${warning.message}`));
  const stack = new Stack({
    profile: args.profile,
    fresh: true,
    services: true,
    log: (line) => info(`[stack] ${line}`),
    // The gateway's per-user rate limit would cap the API source far below the offered rate.
    serviceEnv: { LOG_LEVEL: 'warn', RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000' },
  });
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
    `loyalty benchmark: ${args.events} purchases per source (${args.source.join(', ')}) over ${args.customers} customers, offered at ${args.rate}/s; ` +
      `${cpus.length} cores, node ${process.version}, load average ${loadAtStart} at start`,
  );
  let bus: MessageBus | undefined;
  let producer: RecordProducer | undefined;
  let db: Client | undefined;
  const results: PhaseResult[] = [];
  try {
    const t0 = Date.now();
    const { databaseUrl, brokers, gatewayUrl } = await stack.start();
    console.log(
      `stack (fresh, profile ${args.profile}, six services) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const api = new ApiSource(gatewayUrl, await demoUserToken(gatewayUrl, 'admin'));
    for (const source of args.source) {
      let recorder: PurchaseSource;
      let customers: string[];
      if (source === 'kafka') {
        bus = createMessageBus({ clientId: 'rapport-bench-loyalty', brokers }, createLogger('bench-kafka', 'warn'));
        producer = bus.producer();
        customers = Array.from({ length: args.customers }, () => randomUUID());
        recorder = new KafkaSource(producer);
      } else {
        customers = await api.createCustomers(args.customers);
        recorder = source === 'api' ? api : new ImportSource(api, db);
      }
      if (args.warmup > 0)
        await phase(source, recorder, databaseUrl, customers, args.warmup, args.rate, `${source} warm-up`);
      const result = await phase(
        source,
        recorder,
        databaseUrl,
        customers,
        args.events,
        args.rate,
        `${source} measured`,
      );
      results.push(result);
      console.log('');
      console.log(`  source ${SOURCE_PATHS[source]}`);
      console.log(
        `    credited                ${result.credited} of ${result.events} (${result.failures} requests failed)`,
      );
      console.log(`    offered                 ${result.offeredPerSec} purchases/s`);
      console.log(
        `    sustained               ${result.creditedPerSec} purchases/s credited, first commit -> last points visible (${result.seconds} s)`,
      );
      console.log(
        `    latency commit->points  p50 ${result.latencyMs.p50} ms, p95 ${result.latencyMs.p95} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms`,
      );
    }
    console.log('');
    console.log(
      JSON.stringify({
        bench: 'loyalty',
        date: new Date().toISOString(),
        cores: cpus.length,
        loadAvg1mAtStart: loadAtStart,
        ...args,
        results,
      }),
    );
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
