import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '@rapport/contracts';
import type { Client } from 'pg';
import { connect, fingerprints, redact, serverMajor, type Target } from './backup';
import {
  assertGroupsIdle,
  eventsSince,
  kafkaClient,
  rewindGroup,
  topicsOf,
  type PublishedEvent,
} from './kafka-positions';
import { readVerifiedManifest, type BackupManifest, type SchemaEntry } from './manifest';
import { findPgTools, type PgTools } from './pg-tools';

export interface RestoreResult {
  services: ServiceName[];
  /** Events published after the backup by a restored service whose producing change was rolled back. */
  rolledBackEvents: PublishedEvent[];
}

/**
 * Brings the schemas of `services` (default: all) back to the backup, then puts Kafka in step:
 * the restored services' consumer groups go back to their backup-time offsets, and the events that
 * restored producers published after the backup (their outbox rows are no longer there) are entered
 * in the restored consumers' inboxes, so they never take effect. See docs/adr/0001.
 */
export async function restoreBackup(
  target: Target,
  dir: string,
  only?: ServiceName,
  verified?: BackupManifest,
): Promise<RestoreResult> {
  const { log } = target;
  const manifest = verified ?? (await readVerifiedManifest(dir));
  const services = only ? [only] : [...SERVICE_NAMES];
  const entries = services.map((service) => {
    const entry = manifest.schemas.find((s) => s.service === service);
    if (!entry) throw new Error(`backup ${dir} holds no schema of ${service}`);
    return entry;
  });
  const kafka = kafkaClient(target.brokers);
  const admin = kafka.admin();
  const client = await connect(target.databaseUrl);
  try {
    await admin.connect().catch((error: Error) => {
      throw new Error(
        `Kafka at ${target.brokers.join(',')} is not reachable (${error.message}): a restore resets the consumer offsets`,
      );
    });
    await assertStopped(client, entries);
    await assertGroupsIdle(admin, services);
    const server = await serverMajor(client);
    if (server.major < manifest.postgres.major) {
      throw new Error(
        `refused: the backup is of PostgreSQL ${manifest.postgres.major}, this server is ${server.major} (restore into the same major or a newer one)`,
      );
    }
    const tools = findPgTools(Math.max(server.major, manifest.pgDumpMajor), log);

    for (const entry of entries) {
      await restoreSchema(tools, target.databaseUrl, path.join(dir, entry.file), entry);
      const restored = await fingerprints(client, entry.schema);
      const differences = Object.keys({ ...restored, ...entry.tables }).filter(
        (t) => restored[t]?.md5 !== entry.tables[t]?.md5 || restored[t]?.rows !== entry.tables[t]?.rows,
      );
      if (differences.length > 0)
        throw new Error(`${entry.schema}: restored tables differ from the backup: ${differences.join(', ')}`);
      log(
        `restore: ${entry.schema} back to ${manifest.snapshotAt} (${Object.keys(restored).length} tables checked against the manifest)`,
      );
    }

    for (const service of services)
      await rewindGroup(admin, service, manifest.kafka.committed[service] ?? {}, (line) =>
        log(`restore: warning: ${line}`),
      );

    const rolledBack = await rolledBackEvents(kafka, admin, client, manifest, services);
    for (const entry of entries) await skipInInbox(client, entry.schema, rolledBack);
    if (rolledBack.length > 0) {
      log(
        `restore: ${rolledBack.length} event(s) published after the backup by ${services.length === 1 ? services[0] : 'the restored services'} belong to rolled-back changes; the restored consumers will skip them`,
      );
      if (only) {
        log(
          `restore: warning: services not restored may already have applied them (their effects stay there); restore all services for one consistent point in time`,
        );
      }
    }
    return { services, rolledBackEvents: rolledBack };
  } finally {
    await client.end().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/** A running service holds connections as its own role (and is a member of its consumer group). */
async function assertStopped(client: Client, entries: SchemaEntry[]): Promise<void> {
  const { rows } = await client.query<{ role: string; n: number }>(
    'SELECT usename AS role, count(*)::int AS n FROM pg_stat_activity WHERE usename = ANY($1) AND pid <> pg_backend_pid() GROUP BY usename',
    [entries.map((e) => e.owner)],
  );
  if (rows.length > 0) {
    const running = rows.map(
      (r) => `${entries.find((e) => e.owner === r.role)?.service ?? r.role} (${r.n} connection(s) as ${r.role})`,
    );
    throw new Error(
      `refused: ${running.join(', ')} still running; stop the services first (Ctrl-C on npm start, or scale the Deployments to 0)`,
    );
  }
}

/**
 * Drops the schema and recreates it from the dump in one transaction: a failed restore leaves
 * the schema as it was. The dump's own CREATE SCHEMA is left out so that the schema's extensions,
 * which pg_dump --schema does not dump, exist before the tables that use them.
 */
async function restoreSchema(tools: PgTools, databaseUrl: string, file: string, entry: SchemaEntry): Promise<void> {
  const listing = spawnSync(tools.pgRestore, ['--list', file], { encoding: 'utf8' });
  if (listing.status !== 0) throw new Error(`pg_restore --list ${file} failed: ${listing.stderr.trim()}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-restore-'));
  const listFile = path.join(work, 'toc.list');
  fs.writeFileSync(
    listFile,
    listing.stdout
      .split('\n')
      .filter((line) => !/^\d+; \d+ \d+ SCHEMA - /.test(line))
      .join('\n'),
  );
  const q = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
  const prelude = [
    'SET client_min_messages = warning;',
    'BEGIN;',
    `DROP SCHEMA IF EXISTS ${q(entry.schema)} CASCADE;`,
    `CREATE SCHEMA ${q(entry.schema)} AUTHORIZATION ${q(entry.owner)};`,
    ...entry.extensions.map((e) => `CREATE EXTENSION IF NOT EXISTS ${q(e)} WITH SCHEMA ${q(entry.schema)};`),
    '',
  ].join('\n');
  try {
    await new Promise<void>((resolve, reject) => {
      const psql = spawn(tools.psql, ['--no-psqlrc', '--quiet', '--set=ON_ERROR_STOP=1', `--dbname=${databaseUrl}`], {
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      const restore = spawn(tools.pgRestore, [`--use-list=${listFile}`, '--file=-', file], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      psql.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      restore.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      psql.stdin.on('error', () => undefined); // psql stopped at an error: its exit code tells
      psql.stdin.write(prelude);
      restore.stdout.pipe(psql.stdin, { end: false });
      restore.on('close', (code) => {
        if (code === 0) psql.stdin.end('COMMIT;\n');
        else psql.kill('SIGTERM'); // no COMMIT: the transaction is rolled back
      });
      psql.on('error', reject);
      restore.on('error', reject);
      psql.on('close', (code) => {
        if (code === 0 && restore.exitCode === 0) resolve();
        else
          reject(
            new Error(
              `restoring ${entry.schema} failed, the schema is unchanged: ${redact(stderr.trim()).split('\n').slice(-8).join('\n')}`,
            ),
          );
      });
    });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function rolledBackEvents(
  kafka: ReturnType<typeof kafkaClient>,
  admin: Parameters<typeof rewindGroup>[0],
  client: Client,
  manifest: BackupManifest,
  services: ServiceName[],
): Promise<PublishedEvent[]> {
  const producedBy = new Map(
    services.flatMap((service) => topicsOf(service).map((topic) => [topic, service] as const)),
  );
  const events = await eventsSince(
    kafka,
    admin,
    Object.fromEntries([...producedBy.keys()].map((topic) => [topic, manifest.kafka.topicEnds[topic] ?? {}])),
  );
  const rolledBack: PublishedEvent[] = [];
  for (const service of services) {
    const own = events.filter((e) => producedBy.get(e.topic) === service);
    if (own.length === 0) continue;
    const schema = manifest.schemas.find((s) => s.service === service)!.schema;
    // Still in the restored outbox: it was committed before the snapshot and is a real effect.
    const { rows } = await client.query<{ id: string }>(
      `SELECT event_id::text AS id FROM ${client.escapeIdentifier(schema)}.outbox WHERE event_id = ANY($1::uuid[])`,
      [own.map((e) => e.id)],
    );
    const kept = new Set(rows.map((r) => r.id));
    rolledBack.push(...own.filter((e) => !kept.has(e.id)));
  }
  return rolledBack;
}

async function skipInInbox(client: Client, schema: string, events: PublishedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const exists = await client.query('SELECT to_regclass($1) AS t', [`${schema}.inbox`]);
  if (!exists.rows[0].t) return;
  await client.query(
    `INSERT INTO ${client.escapeIdentifier(schema)}.inbox (event_id, event_type, topic)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) ON CONFLICT (event_id) DO NOTHING`,
    [events.map((e) => e.id), events.map((e) => e.type), events.map((e) => e.topic)],
  );
}
