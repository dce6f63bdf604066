import * as path from 'node:path';
import { isServiceName, SERVICE_NAMES } from '@rapport/contracts';
import { repoRoot, Stack, stackPorts, type StackProfile } from '@rapport/stack';
import { Client } from 'pg';
import { takeBackup, type Target } from './backup';
import { readVerifiedManifest } from './manifest';
import { restoreBackup } from './restore';

const USAGE = `usage:
  npm run backup [-- --out <folder>] [-- --profile dev]
      a consistent backup of every service's schema, with manifest.json and SHA256SUMS
      (default folder: .local/backups/<profile>/<time>)
  npm run restore -- <backup folder> [--service <name>] [--profile dev]
      brings the stopped stack back to the backup: all services, or the one named
      (${SERVICE_NAMES.join(', ')})
The local stack of the profile (default dev, the one npm start runs) is used; its PostgreSQL and
Kafka are started for the time of the command when they are not running. DATABASE_URL (a superuser
or the database owner) and KAFKA_BROKERS point both commands at other servers instead.`;

const PROFILES: readonly StackProfile[] = ['dev', 'test', 'test2', 'test3', 'test4', 'test5', 'test6', 'test7'];

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at === -1) return undefined;
  const value = args[at + 1];
  if (!value || value.startsWith('--')) throw new Error(`${name} needs a value\n${USAGE}`);
  args.splice(at, 2);
  return value;
}

async function reachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `work` against the servers to use; a stopped local stack gets its PostgreSQL and Kafka (only) meanwhile. */
async function withTarget<T>(profile: StackProfile, work: (target: Target) => Promise<T>): Promise<T> {
  const log = (line: string) => console.log(line);
  if (process.env.DATABASE_URL || process.env.KAFKA_BROKERS) {
    if (!process.env.DATABASE_URL || !process.env.KAFKA_BROKERS)
      throw new Error('set both DATABASE_URL and KAFKA_BROKERS, or neither');
    return work({ databaseUrl: process.env.DATABASE_URL, brokers: process.env.KAFKA_BROKERS.split(','), log });
  }
  const ports = stackPorts(profile);
  const target: Target = {
    databaseUrl: `postgres://postgres:postgres@127.0.0.1:${ports.postgres}/rapport`,
    brokers: [`127.0.0.1:${ports.kafka}`],
    log,
  };
  if (await reachable(target.databaseUrl)) return work(target);
  log(`the ${profile} stack is stopped: starting its PostgreSQL and Kafka (no service) for this command`);
  const stack = new Stack({ profile, services: false, log: () => undefined });
  try {
    const info = await stack.start();
    return await work({ ...target, databaseUrl: info.databaseUrl, brokers: info.brokers });
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  const profile = (option(args, '--profile') ?? 'dev') as StackProfile;
  if (!PROFILES.includes(profile)) throw new Error(`--profile must be one of ${PROFILES.join(', ')}`);
  switch (command) {
    case 'backup': {
      const out = path.resolve(
        option(args, '--out') ??
          path.join(repoRoot(), '.local', 'backups', profile, new Date().toISOString().replace(/[:.]/g, '-')),
      );
      if (args.length > 0) throw new Error(`unexpected ${args.join(' ')}\n${USAGE}`);
      const { dir, manifest } = await withTarget(profile, (target) => takeBackup(target, out));
      console.log(
        `backup written to ${dir}\n  snapshot ${manifest.snapshotAt}, ${manifest.schemas.length} schemas, PostgreSQL ${manifest.postgres.version}, Rapport ${manifest.rapportVersion}`,
      );
      return;
    }
    case 'restore': {
      const service = option(args, '--service');
      if (service !== undefined && !isServiceName(service))
        throw new Error(`--service must be one of ${SERVICE_NAMES.join(', ')}`);
      if (args.length !== 1) throw new Error(`restore needs one backup folder\n${USAGE}`);
      const dir = path.resolve(args[0]!);
      // Checked before any server is started: a damaged backup is refused at once.
      const manifest = await readVerifiedManifest(dir);
      const result = await withTarget(profile, (target) => restoreBackup(target, dir, service, manifest));
      console.log(`restored ${result.services.join(', ')} from ${dir}; start the stack again (npm start)`);
      return;
    }
    default:
      console.error(USAGE);
      process.exit(command ? 2 : 0);
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
