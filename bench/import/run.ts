// Import benchmark: N customers from one CSV file, imported through the public API
// (POST /api/v1/imports, streamed: gateway -> customer-profile -> validation -> COPY into a staging
// table -> INSERT … SELECT into customers and their customer.created events into the outbox), and
// the same file loaded by a raw `COPY … FROM STDIN (FORMAT csv)` into a bare table in the same run.
// Then, as bounds, the imported rows copied in SQL into an empty twin of customers (same indexes):
// what the table's indexes alone allow. Prints rows/s of each and the ratio, ending with one line of
// JSON holding every figure.
//
//   node deploy/build.cjs && node_modules/.bin/node dist/bench/import/run.js --rows 1000000
//   (--profile bench by default; any stack profile with free ports, e.g. --profile test4;
//   --chunk-rows N sets customer-profile's IMPORT_CHUNK_ROWS, rows per import transaction)
import { createReadStream, createWriteStream, mkdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SERVICE_NAMES } from '@rapport/contracts';
import { demoUserToken, killAllSync, repoRoot, Stack } from '@rapport/stack';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { benchArgs, int, optional, profile } from '../lib/cli';

const USAGE = `usage: npm run bench:import -- [--rows N] [--profile P] [--chunk-rows C]
  --rows N        customers in the CSV, 1 to 10000000 (default 1000000)
  --profile P     the stack profile to start (default bench)
  --chunk-rows C  IMPORT_CHUNK_ROWS for customer-profile (default: the service's)`;

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋'];

/** name, email, phone, tags: unique emails and phones, Chinese names. */
async function writeCsv(file: string, rows: number): Promise<void> {
  async function* lines(): AsyncGenerator<string> {
    yield 'name,email,phone,tags\n';
    let chunk = '';
    for (let i = 0; i < rows; i++) {
      const name = `${SURNAMES[i % 10]}${GIVEN[Math.floor(i / 10) % 10]}${GIVEN[Math.floor(i / 100) % 10]} ${i}`;
      chunk += `${name},user${i}@example.com,+86138${String(i).padStart(8, '0')},${i % 3 === 0 ? 'vip;tea' : ''}\n`;
      if (i % 10_000 === 9_999) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(Readable.from(lines()), createWriteStream(file));
}

async function rawCopy(databaseUrl: string, file: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('DROP SCHEMA IF EXISTS bench_import CASCADE');
    await client.query('CREATE SCHEMA bench_import');
    await client.query('CREATE TABLE bench_import.raw_customers (name text, email text, phone text, tags text)');
    const started = performance.now();
    await pipeline(
      createReadStream(file),
      client.query(copyFrom('COPY bench_import.raw_customers FROM STDIN WITH (FORMAT csv, HEADER true)')),
    );
    const seconds = (performance.now() - started) / 1000;
    await client.query('DROP SCHEMA bench_import CASCADE');
    return seconds;
  } finally {
    await client.end();
  }
}

interface IndexBounds {
  /** `INSERT … SELECT` of the imported rows into an empty twin of customers with all its indexes. */
  withIndexesSeconds: number;
  /** The same into a twin without indexes, then `CREATE INDEX` of each of customers' indexes. */
  indexesAfterSeconds: number;
  /** Of that, building the trigram search index alone. */
  trigramIndexSeconds: number;
}

/**
 * What customers' indexes alone allow, whatever the import does: the rows the import wrote (valid,
 * search keys built, no duplicates) copied in SQL into an empty twin of the table (same columns,
 * constraints, indexes), with the import's own settings for GIN pending lists. Once with the indexes
 * maintained row by row (what any import into a live table pays), once with the indexes built after
 * the load (the best case, only open to an empty table). No validation, duplicate check or events.
 */
async function indexBounds(databaseUrl: string): Promise<IndexBounds> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const timed = async (sql: string): Promise<number> => {
    const started = performance.now();
    await client.query(sql);
    return (performance.now() - started) / 1000;
  };
  try {
    await client.query(`SET gin_pending_list_limit = '64MB'`);
    await client.query(`SET work_mem = '256MB'`);
    await client.query(`SET maintenance_work_mem = '256MB'`);
    await client.query('DROP SCHEMA IF EXISTS bench_import CASCADE');
    await client.query('CREATE SCHEMA bench_import');
    await client.query('CREATE TABLE bench_import.with_indexes (LIKE customer_profile.customers INCLUDING ALL)');
    const withIndexesSeconds = await timed(
      'INSERT INTO bench_import.with_indexes SELECT * FROM customer_profile.customers',
    );
    await client.query('DROP TABLE bench_import.with_indexes');
    await client.query(
      'CREATE TABLE bench_import.bare (LIKE customer_profile.customers INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
    );
    let indexesAfterSeconds = await timed('INSERT INTO bench_import.bare SELECT * FROM customer_profile.customers');
    let trigramIndexSeconds = 0;
    const { rows } = await client.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'customer_profile' AND tablename = 'customers'`,
    );
    for (const { indexdef } of rows) {
      const seconds = await timed(
        indexdef.replace(/ INDEX \S+ ON customer_profile\.customers /, ' INDEX ON bench_import.bare '),
      );
      indexesAfterSeconds += seconds;
      if (indexdef.includes('gin_trgm_ops')) trigramIndexSeconds += seconds;
    }
    await client.query('DROP SCHEMA bench_import CASCADE');
    return { withIndexesSeconds, indexesAfterSeconds, trigramIndexSeconds };
  } finally {
    await client.end();
  }
}

async function apiImport(
  gatewayUrl: string,
  file: string,
): Promise<{ seconds: number; result: Record<string, unknown> }> {
  const token = await demoUserToken(gatewayUrl, 'agent1');
  const started = performance.now();
  const response = await fetch(`${gatewayUrl}/api/v1/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const result = (await response.json()) as Record<string, unknown>;
  const seconds = (performance.now() - started) / 1000;
  if (response.status !== 201) throw new Error(`import answered ${response.status}: ${JSON.stringify(result)}`);
  return { seconds, result };
}

async function main(): Promise<number> {
  const args = benchArgs(USAGE, {
    rows: int(1_000_000, { max: 10_000_000 }),
    profile: profile(),
    chunkRows: optional(int(1)),
  });
  process.removeAllListeners('warning');
  const stack = new Stack({
    profile: args.profile,
    fresh: true,
    log: (line) => process.stderr.write(`[stack] ${line}\n`),
    ...(args.chunkRows !== undefined ? { serviceEnv: { IMPORT_CHUNK_ROWS: String(args.chunkRows) } } : {}),
  });
  process.on('exit', () => killAllSync());
  const cpus = os.cpus();
  console.log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `import benchmark: ${args.rows} rows${args.chunkRows ? `, ${args.chunkRows} rows per chunk` : ''}; ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown cpu'}), node ${process.version}`,
  );
  try {
    const { databaseUrl, gatewayUrl } = await stack.start();
    const dir = path.join(repoRoot(), '.local', args.profile);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `bench-import-${args.rows}.csv`);
    await writeCsv(file, args.rows);
    const megabytes = statSync(file).size / 1e6;
    console.log(`wrote ${file} (${megabytes.toFixed(1)} MB)`);

    const perSecond = (seconds: number): number => Math.round(args.rows / seconds);
    const raw = await rawCopy(databaseUrl, file);
    console.log(`raw COPY into a bare table: ${raw.toFixed(2)} s, ${perSecond(raw)} rows/s`);
    const api = await apiImport(gatewayUrl, file);
    console.log(
      `POST /api/v1/imports: ${api.seconds.toFixed(2)} s, ${perSecond(api.seconds)} rows/s (${JSON.stringify({ ...api.result, errors: undefined })})`,
    );
    // The services would now publish and consume the import's million events: stopped, so the bounds run on a quiet machine.
    await Promise.all(SERVICE_NAMES.map((name) => stack.stopService(name)));
    const bounds = await indexBounds(databaseUrl);
    console.log(
      `customers' indexes alone, the imported rows copied in SQL into an empty twin of the table: maintained row by row ` +
        `${bounds.withIndexesSeconds.toFixed(2)} s, ${perSecond(bounds.withIndexesSeconds)} rows/s; built after the load ` +
        `${bounds.indexesAfterSeconds.toFixed(2)} s, ${perSecond(bounds.indexesAfterSeconds)} rows/s (the trigram index ${bounds.trigramIndexSeconds.toFixed(2)} s)`,
    );
    const figures = {
      rows: args.rows,
      megabytes: Number(megabytes.toFixed(1)),
      rawCopySeconds: Number(raw.toFixed(2)),
      rawCopyRowsPerSecond: perSecond(raw),
      importSeconds: Number(api.seconds.toFixed(2)),
      importRowsPerSecond: perSecond(api.seconds),
      ratioToRawCopy: Number((raw / api.seconds).toFixed(3)),
      indexesRowByRowSeconds: Number(bounds.withIndexesSeconds.toFixed(2)),
      indexesRowByRowRowsPerSecond: perSecond(bounds.withIndexesSeconds),
      indexesAfterLoadSeconds: Number(bounds.indexesAfterSeconds.toFixed(2)),
      indexesAfterLoadRowsPerSecond: perSecond(bounds.indexesAfterSeconds),
      trigramIndexBuildSeconds: Number(bounds.trigramIndexSeconds.toFixed(2)),
      loadAverageAtEnd: Number(os.loadavg()[0]!.toFixed(2)),
      imported: api.result['rowsImported'],
      failed: api.result['rowsFailed'],
    };
    console.log(`import / raw COPY: ${(figures.ratioToRawCopy * 100).toFixed(1)} %`);
    console.log(JSON.stringify(figures));
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
