import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { schemaOf, SERVICE_NAMES, type ServiceName } from '@rapport/contracts';
import { repoRoot } from '@rapport/stack';
import { Client } from 'pg';
import { committedOffsets, kafkaClient, topicEnds } from './kafka-positions';
import {
  MANIFEST_FORMAT,
  sha256File,
  writeManifest,
  type BackupManifest,
  type SchemaEntry,
  type TableFingerprint,
  type TopicOffsets,
} from './manifest';
import { findPgTools, type PgTools } from './pg-tools';

export interface Target {
  /** A superuser (or database owner) URL: it reads every schema and recreates them. */
  databaseUrl: string;
  brokers: string[];
  log: (line: string) => void;
}

/** Session settings under which a row's text form (and so its fingerprint) does not depend on the client. */
const STABLE_TEXT = [
  "SET TimeZone = 'UTC'",
  "SET DateStyle = 'ISO, YMD'",
  "SET IntervalStyle = 'postgres'",
  'SET extra_float_digits = 3',
  "SET bytea_output = 'hex'",
];

export async function connect(databaseUrl: string): Promise<Client> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  for (const statement of STABLE_TEXT) await client.query(statement);
  return client;
}

export async function serverMajor(client: Client): Promise<{ version: string; major: number }> {
  const { rows } = await client.query<{ version: string; num: string }>(
    "SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num",
  );
  return { version: rows[0]!.version, major: Math.floor(Number(rows[0]!.num) / 10_000) };
}

/** Row count and a content fingerprint of every table of a schema, as the client's snapshot sees them. */
export async function fingerprints(client: Client, schema: string): Promise<Record<string, TableFingerprint>> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY c.relname`,
    [schema],
  );
  const result: Record<string, TableFingerprint> = {};
  for (const { name } of tables) {
    const table = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)}`;
    const { rows } = await client.query<{ rows: number; md5: string }>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS md5
         FROM (SELECT md5(t::text) AS h FROM ${table} t) x`,
    );
    result[name] = rows[0]!;
  }
  return result;
}

/**
 * One consistent backup of every service's schema. A REPEATABLE READ transaction exports its
 * snapshot and stays open while one pg_dump per schema runs with --snapshot: every file, the
 * migration lists and the table fingerprints show the database at the same instant, while the
 * services keep running. Kafka positions are read before the snapshot, so they are never ahead of it.
 */
export async function takeBackup(target: Target, outDir: string): Promise<{ dir: string; manifest: BackupManifest }> {
  const { log } = target;
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0)
    throw new Error(`${outDir} is not empty: choose a new folder for the backup`);
  const kafka = kafkaClient(target.brokers);
  const admin = kafka.admin();
  const holder = await connect(target.databaseUrl);
  try {
    await admin.connect().catch((error: Error) => {
      throw new Error(
        `Kafka at ${target.brokers.join(',')} is not reachable (${error.message}): a backup records the consumer offsets`,
      );
    });
    const server = await serverMajor(holder);
    const tools = findPgTools(server.major, log);
    const committed: Partial<Record<ServiceName, TopicOffsets>> = {};
    for (const service of SERVICE_NAMES) committed[service] = await committedOffsets(admin, service);
    const ends = await topicEnds(admin);

    await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await holder.query<{ snapshot: string; at: Date; database: string }>(
      'SELECT pg_export_snapshot() AS snapshot, transaction_timestamp() AS at, current_database() AS database',
    );
    const { snapshot, at, database } = rows[0]!;
    fs.mkdirSync(outDir, { recursive: true });
    const schemas: SchemaEntry[] = [];
    for (const service of SERVICE_NAMES) {
      const schema = schemaOf(service);
      const meta = await holder.query<{ owner: string }>(
        'SELECT nspowner::regrole::text AS owner FROM pg_namespace WHERE nspname = $1',
        [schema],
      );
      if (meta.rowCount === 0) throw new Error(`schema ${schema} of ${service} does not exist in database ${database}`);
      const extensions = await holder.query<{ name: string }>(
        'SELECT e.extname AS name FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE n.nspname = $1 ORDER BY 1',
        [schema],
      );
      const migrations = await holder
        .query<{ timestamp: string; name: string }>(
          `SELECT timestamp::text AS timestamp, name FROM ${holder.escapeIdentifier(schema)}.migrations ORDER BY id`,
        )
        .then((r) => r.rows);
      const file = `${schema}.dump`;
      await pgDump(tools, target.databaseUrl, snapshot, schema, path.join(outDir, file));
      schemas.push({
        service,
        schema,
        owner: meta.rows[0]!.owner,
        file,
        bytes: fs.statSync(path.join(outDir, file)).size,
        sha256: await sha256File(path.join(outDir, file)),
        extensions: extensions.rows.map((e) => e.name),
        migrations,
        tables: await fingerprints(holder, schema),
      });
      log(`backup: ${schema} (${migrations.length} migrations, ${Object.keys(schemas.at(-1)!.tables).length} tables)`);
    }
    await holder.query('COMMIT');
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      snapshotAt: at.toISOString(),
      rapportVersion: (
        JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string }
      ).version,
      postgres: { ...server, database },
      pgDumpMajor: tools.major,
      schemas,
      kafka: { committed, topicEnds: ends },
    };
    await writeManifest(outDir, manifest);
    return { dir: outDir, manifest };
  } finally {
    await holder.end().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

function pgDump(tools: PgTools, databaseUrl: string, snapshot: string, schema: string, file: string): Promise<void> {
  return runTool(tools.pgDump, [
    '--format=custom',
    `--snapshot=${snapshot}`,
    `--schema=${schema}`,
    `--file=${file}`,
    `--dbname=${databaseUrl}`,
  ]);
}

export function runTool(program: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${path.basename(program)} failed (exit ${code}): ${redact(stderr.trim())}`)),
    );
  });
}

/** Tools echo their connection string in some errors; the password stays out of our messages. */
export function redact(text: string): string {
  return text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/g, '$1***@');
}
