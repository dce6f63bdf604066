// Search benchmark: p50/p95 of GET /api/v1/customers/search through the gateway at growing numbers of
// customers, on a fresh local stack (all services; --profile test3 by default, any free profile works).
// Customers are loaded with COPY (set-based), the trigram index is rebuilt once per size, then a fixed
// mix of queries runs sequentially, per kind.
//
//   node deploy/build.cjs && node_modules/.bin/node dist/bench/search/run.js --sizes 10000,1000000 --queries 200
//
// Human-readable lines go to stdout, ending with one line of JSON holding every figure.
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { demoUserToken, killAllSync, Stack } from '@rapport/stack';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ascendingInts, benchArgs, int, profile } from '../lib/cli';
import { percentile, round } from '../lib/stats';

const USAGE = `usage: npm run bench:search -- [--sizes N,M] [--queries Q] [--profile P]
  --sizes N,M    customer counts measured, ascending, each ≥ 100 (default 10000,1000000)
  --queries Q    queries per kind and size (default 200)
  --profile P    the stack profile to start (default test3)`;

const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈',
];
const GIVEN = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉宁婷雪琳晨欣怡浩宇轩然子涵梓睿博瑞思佳嘉',
];
const TAGS = ['vip', '茶友', '新客', '老客', '企业', '门店', '线上', '活动', '推荐', '沉睡'];

/**
 * The same spelling as customer-profile's search key (apps/customer-profile/src/search/search-key.ts;
 * a bench may not import app code): a CJK ideograph becomes three base-36 characters, other
 * non-ASCII characters `x<hex>`. The run checks that the service finds a loaded customer by name,
 * which fails if the two drift apart.
 */
function encode(text: string): string {
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz';
  let out = '';
  for (const ch of text.toLowerCase()) {
    const code = ch.codePointAt(0)!;
    if (code < 128) out += /[a-z0-9@._+-]/.test(ch) ? ch : ' ';
    else if (code >= 0x3400 && code <= 0x9fff) {
      const n = code - 0x3400;
      out += digits[Math.floor(n / 1296)]! + digits[Math.floor(n / 36) % 36]! + digits[n % 36]!;
    } else out += `x${code.toString(16)}`;
  }
  return out.replace(/\s+/g, ' ').trim();
}

function person(i: number): { name: string; phone: string; email: string; tags: string[] } {
  const name = `${SURNAMES[i % SURNAMES.length]}${GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]}${i % 3 === 0 ? '' : GIVEN[Math.floor(i / 7) % GIVEN.length]}`;
  return {
    name,
    phone: `+86139${String(i).padStart(8, '0')}`,
    email: `user${i}@example${i % 50}.com`,
    tags: [TAGS[i % TAGS.length]!],
  };
}

/** COPY rows [from, to) into customer_profile.customers, search key included; the trigram index is rebuilt after. */
async function load(db: Client, from: number, to: number): Promise<number> {
  const started = performance.now();
  await db.query('DROP INDEX IF EXISTS customer_profile.customers_search_key');
  async function* rows(): AsyncGenerator<string> {
    let chunk = '';
    for (let i = from; i < to; i++) {
      const p = person(i);
      const key = ` ${[p.name, p.email, p.phone.slice(1), p.phone.slice(3), ...p.tags].map(encode).join(' ')} `;
      // every 10th customer is in the public pool, the others belong to bench users
      chunk += `${randomUUID()}\tperson\t${p.name}\t${p.email}\t${p.phone}\t{${p.email}}\t{${p.phone}}\t{${p.tags.join(',')}}\t${i % 10 === 0 ? '\\N' : `bench-${i % 20}`}\t${key}\n`;
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(
    Readable.from(rows()),
    db.query(
      copyFrom(
        'COPY customer_profile.customers (id, kind, name, email, phone, emails, phones, tags, owner_id, search_key) FROM STDIN',
      ),
    ),
  );
  await db.query("SET maintenance_work_mem = '256MB'");
  await db.query(
    'CREATE INDEX customers_search_key ON customer_profile.customers USING gin (search_key customer_profile.gin_trgm_ops)',
  );
  await db.query('ANALYZE customer_profile.customers');
  return (performance.now() - started) / 1000;
}

type Kind =
  | 'name prefix (2 chars)'
  | 'full name'
  | 'misspelt name'
  | 'phone (national)'
  | 'phone prefix (8 digits)'
  | 'email prefix';

function queryOf(kind: Kind, i: number): string {
  const p = person(i);
  switch (kind) {
    case 'name prefix (2 chars)':
      return [...p.name].slice(0, 2).join('');
    case 'full name':
      return p.name;
    case 'misspelt name':
      return `${[...p.name].slice(0, -1).join('')}${GIVEN[(i + 3) % GIVEN.length]}`;
    case 'phone (national)':
      return p.phone.slice(3);
    case 'phone prefix (8 digits)':
      return p.phone.slice(3, 11);
    case 'email prefix':
      return `user${i}@`;
  }
}

async function measure(
  gatewayUrl: string,
  token: string,
  size: number,
  queries: number,
): Promise<Record<string, { p50: number; p95: number }>> {
  const kinds: Kind[] = [
    'name prefix (2 chars)',
    'full name',
    'misspelt name',
    'phone (national)',
    'phone prefix (8 digits)',
    'email prefix',
  ];
  const search = async (q: string) => {
    const started = performance.now();
    const response = await fetch(`${gatewayUrl}/api/v1/customers/search?${new URLSearchParams({ q, limit: '20' })}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { items: unknown[] };
    if (response.status !== 200) throw new Error(`search answered ${response.status}: ${JSON.stringify(body)}`);
    return { ms: performance.now() - started, hits: body.items.length };
  };
  for (let i = 0; i < 50; i++) await search(queryOf(kinds[i % kinds.length]!, (i * 7919) % size)); // warm-up
  const figures: Record<string, { p50: number; p95: number }> = {};
  // the floor: a plain GET of one customer through the same gateway, token check and identity signing
  const one = (
    (await (
      await fetch(`${gatewayUrl}/api/v1/customers?limit=1`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { items: { id: string }[] }
  ).items[0]!.id;
  const floor: number[] = [];
  for (let n = 0; n < queries; n++) {
    const started = performance.now();
    const response = await fetch(`${gatewayUrl}/api/v1/customers/${one}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await response.arrayBuffer();
    floor.push(performance.now() - started);
  }
  floor.sort((a, b) => a - b);
  figures['GET /customers/{id} (floor)'] = { p50: round(percentile(floor, 50)), p95: round(percentile(floor, 95)) };
  console.log(
    `  ${size}: ${'GET one customer (floor)'.padEnd(24)} p50 ${figures['GET /customers/{id} (floor)'].p50.toFixed(1)} ms  p95 ${figures['GET /customers/{id} (floor)'].p95.toFixed(1)} ms`,
  );
  const all: number[] = [];
  for (const kind of kinds) {
    const times: number[] = [];
    let empty = 0;
    for (let n = 0; n < queries; n++) {
      const { ms, hits } = await search(queryOf(kind, (n * 104_729 + 13) % size));
      times.push(ms);
      if (hits === 0) empty++;
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    figures[kind] = { p50: round(percentile(times, 50)), p95: round(percentile(times, 95)) };
    console.log(
      `  ${size}: ${kind.padEnd(24)} p50 ${figures[kind].p50.toFixed(1)} ms  p95 ${figures[kind].p95.toFixed(1)} ms${empty ? `  (${empty} without hits)` : ''}`,
    );
  }
  all.sort((a, b) => a - b);
  figures['all'] = { p50: round(percentile(all, 50)), p95: round(percentile(all, 95)) };
  console.log(
    `  ${size}: ${'all'.padEnd(24)} p50 ${figures['all'].p50.toFixed(1)} ms  p95 ${figures['all'].p95.toFixed(1)} ms`,
  );
  return figures;
}

async function main(): Promise<number> {
  const args = benchArgs(USAGE, {
    sizes: ascendingInts([10_000, 1_000_000], { min: 100 }),
    queries: int(200),
    profile: profile('test3'),
  });
  process.removeAllListeners('warning');
  // latency of one caller's sequential searches, not throughput: lift the gateway's per-client rate limit
  const stack = new Stack({
    profile: args.profile,
    fresh: true,
    serviceEnv: { RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000' },
    log: (line) => process.stderr.write(`[stack] ${line}\n`),
  });
  process.on('exit', () => killAllSync());
  const cpus = os.cpus();
  console.log(
    `search benchmark: sizes ${args.sizes.join(', ')}; ${args.queries} queries per kind; ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown cpu'}), node ${process.version}`,
  );
  try {
    const { databaseUrl, gatewayUrl } = await stack.start();
    const token = await demoUserToken(gatewayUrl, 'exec'); // sees every customer: the most rows to rank
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const results: Record<string, unknown> = {};
    try {
      let loaded = 0;
      for (const size of args.sizes) {
        const seconds = await load(db, loaded, size);
        console.log(
          `loaded customers ${loaded}..${size} with COPY and rebuilt the trigram index in ${seconds.toFixed(1)} s`,
        );
        loaded = size;
        const probe = person(Math.floor(size / 2));
        const found = await fetch(`${gatewayUrl}/api/v1/customers/search?${new URLSearchParams({ q: probe.name })}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const hits = ((await found.json()) as { items: { name: string }[] }).items;
        if (!hits.some((h) => h.name === probe.name))
          throw new Error(`the service does not find loaded customer ${probe.name}: search keys drifted`);
        results[String(size)] = {
          loadSeconds: Number(seconds.toFixed(1)),
          ...(await measure(gatewayUrl, token, size, args.queries)),
        };
      }
    } finally {
      await db.end();
    }
    const largest = results[String(args.sizes[args.sizes.length - 1])] as { all: { p95: number } };
    const smallest = results[String(args.sizes[0])] as { all: { p95: number } };
    console.log(
      `p95 at ${args.sizes[args.sizes.length - 1]} / p95 at ${args.sizes[0]}: ${(largest.all.p95 / smallest.all.p95).toFixed(2)}`,
    );
    console.log(JSON.stringify(results));
    return 0;
  } finally {
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
