// Local single-node Apache Kafka (KRaft, combined broker+controller) run straight from the jars
// that Maven resolves from deploy/kafka/pom.xml. No Docker, no Kafka distribution tarball.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import {
  assertPortFree,
  canConnect,
  findProcesses,
  isPortFree,
  isProcessAlive,
  parentPid,
  processCommandLine,
  runCommand,
  spawnLogged,
  stopChild,
  tailFile,
  terminatePid,
  waitFor,
  which,
  type ManagedChild,
} from './processes';
import { Supervisor } from './supervision';

export interface KafkaHandle {
  brokers: string[];
  external: boolean;
  stop(): Promise<void>;
  /** Stop the broker process, start it again on the same port with the same data, wait until ready. */
  restart(): Promise<void>;
  pid(): number | undefined;
  /** The broker's stdout/stderr ('' when external). */
  logFile: string;
}

export interface KafkaOptions {
  /** Repository root. */
  rootDir: string;
  /** e.g. .local/kafka: libs/, data/, logs/ and server.properties live here. */
  workDir: string;
  /** Client (PLAINTEXT) listener port, e.g. 19092. */
  port: number;
  controllerPort: number;
  /** Wipe the data folder first. */
  fresh?: boolean;
  /** JVM heap (-Xms/-Xmx) in MiB. Default 320. */
  heapMb?: number;
  log?: (line: string) => void;
  /** How long to wait for the broker to serve requests. Default 60 s. */
  readyTimeoutMs?: number;
}

const HOST = '127.0.0.1';
const MIN_JAVA = 17;
const STAMP_FILE = '.rapport-pom.sha256';

/**
 * Make sure <workDir>/libs holds the broker's jars resolved from deploy/kafka/pom.xml; runs Maven
 * only when they are missing or the pom changed. Returns the libs folder.
 */
export async function ensureKafkaJars(rootDir: string, workDir: string, log?: (l: string) => void): Promise<string> {
  const say = log ?? (() => undefined);
  const pom = path.join(rootDir, 'deploy', 'kafka', 'pom.xml');
  const libs = path.resolve(workDir, 'libs');
  await javaBinary(); // fail early and clearly without a suitable JDK
  const hash = createHash('sha256').update(fs.readFileSync(pom)).digest('hex');
  const stampPath = path.join(libs, STAMP_FILE);
  const stamp = fs.existsSync(stampPath) ? fs.readFileSync(stampPath, 'utf8').trim() : undefined;
  if (stamp === hash && listJars(libs).some((j) => /^kafka_2\.\d+-.*\.jar$/.test(j))) return libs;

  const mvn = which('mvn');
  if (!mvn) {
    throw new Error(
      'kafka: Maven (mvn) is not on PATH. The local Kafka broker needs Maven and a JDK >= 17 to fetch and run ' +
        `its jars (${pom}); install both, or set KAFKA_BROKERS to use an existing broker.`,
    );
  }
  const logFile = path.resolve(workDir, 'logs', 'maven.log');
  const staging = `${libs}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  say(`kafka: ${stamp ? 'deploy/kafka/pom.xml changed; ' : ''}resolving broker jars with Maven (log: ${logFile})`);
  const t = Date.now();
  const res = await runCommand(
    mvn,
    ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`],
    { cwd: path.dirname(pom), logFile, timeoutMs: 15 * 60_000 },
  );
  if (res.code !== 0) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new Error(
      `kafka: Maven failed to resolve the broker jars (exit ${res.code ?? res.signal}; the first run needs ` +
        `network access to Maven Central). Log: ${logFile}\n${res.output.trim().split('\n').slice(-20).join('\n')}`,
    );
  }
  try {
    checkJars(listJars(staging), pom);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  // copy-dependencies never deletes: swap in a clean folder so old versions cannot linger on the classpath
  fs.writeFileSync(path.join(staging, STAMP_FILE), `${hash}\n`);
  fs.rmSync(libs, { recursive: true, force: true });
  fs.renameSync(staging, libs);
  say(`kafka: ${listJars(libs).length} jars ready in ${libs} (${Date.now() - t} ms)`);
  return libs;
}

function listJars(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((f) => f.endsWith('.jar'));
  } catch {
    return [];
  }
}

/**
 * The broker must log through SLF4J 2 bound to Log4j 2: an slf4j-api 1.x (which does not see
 * SLF4J 2 providers) or a second binding means a NOP logger or a random winner.
 */
function checkJars(jars: string[], pom: string): void {
  const problems: string[] = [];
  if (!jars.some((j) => /^kafka_2\.\d+-.*\.jar$/.test(j))) problems.push('no kafka_2.13 jar was copied');
  const api = jars.filter((j) => /^slf4j-api-\d/.test(j));
  if (api.length !== 1) problems.push(`expected one slf4j-api jar, found ${api.length ? api.join(', ') : 'none'}`);
  for (const j of api) {
    const major = Number(/^slf4j-api-(\d+)\./.exec(j)?.[1]);
    if (!(major >= 2)) problems.push(`${j} is SLF4J 1.x, which ignores the Log4j 2 provider (NOP logging)`);
  }
  if (!jars.some((j) => /^log4j-slf4j2-impl-/.test(j)))
    problems.push('log4j-slf4j2-impl (the SLF4J 2 provider) is missing');
  if (!jars.some((j) => /^log4j-core-/.test(j))) problems.push('log4j-core is missing');
  const competing = jars.filter((j) =>
    /^(slf4j-(nop|simple|reload4j|log4j12|jdk14)|log4j-slf4j-impl|logback-classic)-/.test(j),
  );
  if (competing.length) problems.push(`competing SLF4J bindings: ${competing.join(', ')}`);
  if (problems.length) {
    throw new Error(`kafka: the jars resolved from ${pom} are not usable: ${problems.join('; ')}. Fix the pom.`);
  }
}

interface JavaInfo {
  path: string;
  /** `java -version` output: identifies the exact JVM build (the class-data archive depends on it). */
  versionText: string;
}

let javaChecked: Promise<JavaInfo> | undefined;

/** The java executable ($JAVA_HOME/bin/java, else PATH), checked to be >= 17 (once per process). */
function javaBinary(): Promise<JavaInfo> {
  javaChecked ??= (async () => {
    const fromHome = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : undefined;
    const java = fromHome && fs.existsSync(fromHome) ? fromHome : which('java');
    if (!java) {
      throw new Error(
        `kafka: no java found (JAVA_HOME or PATH). The local Kafka broker needs a JDK >= ${MIN_JAVA} and Maven; ` +
          'install them, or set KAFKA_BROKERS to use an existing broker.',
      );
    }
    const res = await runCommand(java, ['-version'], { timeoutMs: 30_000 });
    const m = /version "(\d+)(?:\.(\d+))?/.exec(res.output);
    const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : NaN;
    if (res.code !== 0 || !(major >= MIN_JAVA)) {
      throw new Error(
        `kafka: ${java} is ${m ? `Java ${major}` : 'not a working Java'}; the Kafka broker needs Java >= ${MIN_JAVA}. ` +
          `Install a newer JDK (and point JAVA_HOME at it), or set KAFKA_BROKERS to use an existing broker.` +
          (m ? '' : `\n${res.output.trim()}`),
      );
    }
    return { path: java, versionText: res.output.trim() };
  })();
  javaChecked.catch(() => {
    javaChecked = undefined; // let a later call retry after the user fixed things
  });
  return javaChecked;
}

function serverProperties(opts: KafkaOptions, dataDir: string): string {
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${HOST}:${opts.controllerPort}`,
    listeners: `PLAINTEXT://${HOST}:${opts.port},CONTROLLER://${HOST}:${opts.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${opts.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': dataDir,
    // one node: every replication factor and min.insync.replicas is 1
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // few partitions for internal topics: each costs files, memory and startup time
    'offsets.topic.num.partitions': 3,
    'transaction.state.log.num.partitions': 3,
    'share.coordinator.state.topic.num.partitions': 3,
    'num.partitions': 1,
    'auto.create.topics.enable': false,
    'group.initial.rebalance.delay.ms': 0,
    // small machine: few threads, small log-cleaner buffer (default 128 MiB of heap)
    'num.network.threads': 2,
    'num.io.threads': 4,
    'background.threads': 4,
    'num.recovery.threads.per.data.dir': 1,
    'log.cleaner.threads': 1,
    'log.cleaner.dedupe.buffer.size': 16 * 1024 * 1024,
    'log.retention.hours': 168,
  };
  const lines = Object.entries(props).map(([k, v]) => `${k}=${v}`);
  return `# Written by deploy/stack (kafka.ts) at every start; edits are overwritten.\n${lines.join('\n')}\n`;
}

/** A Kafka cluster id: 16 random bytes, base64url without padding (what kafka-storage random-uuid prints). */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id; // Kafka avoids ids that look like command-line options
  }
}

export async function startKafka(opts: KafkaOptions): Promise<KafkaHandle> {
  const externalBrokers = process.env.KAFKA_BROKERS;
  if (externalBrokers) {
    opts.log?.('kafka: using KAFKA_BROKERS (external broker, nothing started)');
    return {
      brokers: externalBrokers
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
      external: true,
      stop: async () => undefined,
      restart: async () => {
        throw new Error('kafka: cannot restart an external broker (KAFKA_BROKERS is set)');
      },
      pid: () => undefined,
      logFile: '',
    };
  }

  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  const rootDir = path.resolve(opts.rootDir);
  const workDir = path.resolve(opts.workDir);
  const dataDir = path.join(workDir, 'data');
  const logsDir = path.join(workDir, 'logs');
  const propsFile = path.join(workDir, 'server.properties');
  const brokerLog = path.join(logsDir, 'broker.out');
  const log4jConfig = path.join(rootDir, 'deploy', 'kafka', 'log4j2.properties');
  const heapMb = opts.heapMb ?? 320;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
  const brokers = [`${HOST}:${opts.port}`];

  const libs = await ensureKafkaJars(rootDir, workDir, log);
  const javaInfo = await javaBinary();
  const java = javaInfo.path;
  fs.mkdirSync(logsDir, { recursive: true });
  await stopOrphanedBroker(propsFile, log);

  if (opts.fresh && fs.existsSync(dataDir)) {
    log(`kafka: fresh start, wiping ${dataDir}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(propsFile, serverProperties(opts, dataDir));

  const jvmFlags = [
    `-Xms${heapMb}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1', // C1 only: faster startup and less CPU on 2 cores; plenty for a dev broker
    '-XX:+ExitOnOutOfMemoryError',
    '-Xlog:cds*=error', // recording the class-data archive warns about every class it skips
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4jConfig}`,
    `-Dkafka.logs.dir=${logsDir}`,
    '-cp',
    path.join(libs, '*'),
  ];

  if (!fs.existsSync(path.join(dataDir, 'meta.properties'))) {
    if (fs.readdirSync(dataDir).length > 0) {
      log(`kafka: ${dataDir} is not formatted (no meta.properties); wiping it`);
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.mkdirSync(dataDir, { recursive: true });
    }
    const t = Date.now();
    const clusterId = newClusterId();
    const res = await runCommand(
      java,
      [
        ...jvmFlags.filter((f) => !f.startsWith('-Xms')),
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        propsFile,
      ],
      { cwd: workDir, logFile: brokerLog, timeoutMs: 120_000 },
    );
    if (res.code !== 0) {
      throw new Error(
        `kafka: formatting ${dataDir} failed (exit ${res.code ?? res.signal}). Log: ${brokerLog}\n` +
          res.output.trim().split('\n').slice(-20).join('\n'),
      );
    }
    log(`kafka: formatted ${dataDir} (cluster id ${clusterId}) in ${Date.now() - t} ms`);
  }

  // Application class-data sharing roughly halves the JVM's startup time and CPU (measured: ~1.0 s
  // instead of ~2.0 s to ready). The archive is recorded when a broker without one exits normally,
  // lives in libs/ (so new jars drop it) and is named after the JVM build (a JDK update gets a new
  // one; a mismatching archive is ignored by the JVM anyway).
  const cdsArchive = path.join(
    libs,
    `kafka-cds-${createHash('sha256').update(javaInfo.versionText).digest('hex').slice(0, 12)}.jsa`,
  );
  const cdsRecording = `${cdsArchive}.tmp-${process.pid}`;
  for (const f of fs.readdirSync(libs)) {
    const owner = /\.jsa\.tmp-(\d+)$/.exec(f);
    if (owner && !isProcessAlive(Number(owner[1]))) fs.rmSync(path.join(libs, f), { force: true }); // a crashed run's
  }

  let child: ManagedChild | undefined;
  let intentional = false;
  let recordingCds = false;
  let stopRequested = false;

  // A broker that dies is started again on the same data: a single KRaft node recovers its log and
  // metadata on start (after a SIGKILL it waits ~10 s for its old session to expire), and the
  // services' clients reconnect and carry on from their committed offsets.
  const supervisor = new Supervisor({
    name: 'kafka',
    log,
    logFile: brokerLog,
    restart: async () => {
      discardCdsRecording(); // a JVM that did not exit normally wrote no usable archive
      await portsReleased();
      await launch();
    },
  });

  const launch = async (): Promise<void> => {
    await assertPortFree(HOST, opts.port, 'kafka');
    await assertPortFree(HOST, opts.controllerPort, 'kafka (controller listener)');
    if (stopRequested) throw new Error('kafka: not started, the broker is being stopped');
    intentional = false;
    recordingCds = !fs.existsSync(cdsArchive);
    const cdsFlag = recordingCds ? `-XX:ArchiveClassesAtExit=${cdsRecording}` : `-XX:SharedArchiveFile=${cdsArchive}`;
    const c = spawnLogged({
      name: 'kafka',
      command: java,
      args: [...jvmFlags, cdsFlag, 'kafka.Kafka', propsFile],
      logFile: brokerLog,
      cwd: workDir,
      parentDeathSignal: 'SIGTERM', // controlled shutdown if the CLI dies without stopping us
      // killAllSync(): a controlled shutdown too. After a SIGKILL the next start waits ~10 s for the
      // dead broker's session to expire (DUPLICATE_BROKER_REGISTRATION) before it is ready.
      emergencySignal: 'SIGTERM',
    });
    child = c;
    try {
      await waitUntilReady(c, brokers, readyTimeoutMs);
      // From ready on, an exit nobody asked for (halt() sets `intentional`) is a crash.
      void c.exited.then((info) => {
        if (!intentional && !stopRequested && child === c) supervisor.crashed(info, c.logOffset);
      });
    } catch (err) {
      intentional = true;
      await stopChild(c, { signal: 'SIGTERM', timeoutMs: 5_000 });
      throw new Error(
        `kafka: the broker did not become ready on ${brokers[0]}: ${(err as Error).message}\n` +
          `Log: ${brokerLog}\n--- last lines ---\n${tailFile(brokerLog, 40, c.logOffset)}`,
      );
    }
  };

  const halt = async (): Promise<void> => {
    const c = child;
    if (!c) return;
    intentional = true;
    const t = Date.now();
    const info = await stopChild(c, { signal: 'SIGTERM', timeoutMs: 20_000, log });
    log(`kafka: broker stopped in ${Date.now() - t} ms (code ${info.code}, signal ${info.signal})`);
    if (recordingCds) {
      // only a JVM that exited normally wrote a complete archive
      if (info.signal === null && fs.existsSync(cdsRecording) && fs.statSync(cdsRecording).size > 0) {
        recordingCds = false;
        fs.renameSync(cdsRecording, cdsArchive);
        log(`kafka: recorded the class-data archive ${path.basename(cdsArchive)} for faster starts`);
      } else {
        discardCdsRecording();
      }
    }
    // belt and braces: no JVM may survive on this configuration
    for (const pid of brokerPids(propsFile)) {
      log(`kafka: killing leftover broker pid ${pid}`);
      await terminatePid(pid, 'SIGKILL', 5_000);
    }
  };

  const discardCdsRecording = (): void => {
    if (!recordingCds) return;
    recordingCds = false;
    fs.rmSync(cdsRecording, { force: true });
  };

  // the listeners are released with the process; give the kernel a moment if needed
  const portsReleased = () =>
    waitFor(
      `ports ${opts.port}/${opts.controllerPort} to be released`,
      async () => (await isPortFree(HOST, opts.port)) && (await isPortFree(HOST, opts.controllerPort)),
      { timeoutMs: 10_000, intervalMs: 50 },
    ).catch(() => undefined); // launch() reports a port still in use

  await launch();
  log(`kafka: ready on ${brokers[0]} in ${Date.now() - started} ms (heap ${heapMb} MiB)`);

  let stopPromise: Promise<void> | undefined;
  let restarting: Promise<void> | undefined;
  return {
    brokers,
    external: false,
    logFile: brokerLog,
    pid: () => (child?.isRunning() ? child.pid : undefined),
    stop: () => {
      stopRequested = true;
      stopPromise ??= (async () => {
        // No restart after a deliberate stop; a restart under way ends when halt() stops its broker.
        const supervised = supervisor.cancel();
        await restarting?.catch(() => undefined);
        await halt();
        await supervised.catch(() => undefined);
        if (child?.isRunning()) await halt(); // only if that restart had just spawned a broker
      })();
      return stopPromise;
    },
    restart: () => {
      if (stopPromise) return Promise.reject(new Error('kafka: restart() after stop()'));
      restarting ??= (async () => {
        const t = Date.now();
        // A deliberate restart takes over from one the supervisor has pending or under way.
        await supervisor.cancel().catch(() => undefined);
        supervisor.reset();
        await halt();
        await portsReleased();
        await launch();
        log(`kafka: restarted in ${Date.now() - t} ms`);
      })().finally(() => {
        restarting = undefined;
      });
      return restarting;
    },
  };
}

async function waitUntilReady(child: ManagedChild, brokers: string[], timeoutMs: number): Promise<void> {
  const [host, port] = [brokers[0].split(':')[0], Number(brokers[0].split(':')[1])];
  const kafka = new Kafka({
    clientId: 'rapport-stack-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  await waitFor(
    `the broker on ${brokers[0]} to answer DescribeCluster`,
    async () => {
      if (!(await canConnect(host, port, 500))) return false; // JVM still starting: no need for kafkajs yet
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) return false;
        // Also wait for the group coordinator (creates __consumer_offsets on a new cluster), so
        // the first consumer to join does not log "group coordinator is not available".
        await admin.describeGroups(['rapport-stack-readiness-probe']);
        return true;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
    {
      timeoutMs,
      intervalMs: 100,
      maxIntervalMs: 500,
      abortIf: () => {
        const info = child.exitInfo();
        return info ? `the broker exited during startup (code ${info.code}, signal ${info.signal})` : undefined;
      },
    },
  );
}

/** Live JVMs running kafka.Kafka with this server.properties. */
function brokerPids(propsFile: string): number[] {
  return findProcesses((cmd) => cmd.includes('kafka.Kafka') && cmd.includes(propsFile));
}

/**
 * A broker left running by a crashed run (its parent died) holds the ports and the data folder
 * lock: stop it. One that still has a live parent belongs to another stack: refuse.
 */
async function stopOrphanedBroker(propsFile: string, log: (line: string) => void): Promise<void> {
  for (const pid of brokerPids(propsFile)) {
    const ppid = parentPid(pid);
    if (ppid === undefined || ppid <= 1 || !isProcessAlive(ppid)) {
      log(`kafka: stopping orphaned broker pid ${pid} left running by a previous run`);
      if (!(await terminatePid(pid, 'SIGTERM', 20_000))) {
        throw new Error(`kafka: could not stop the orphaned broker pid ${pid}`);
      }
    } else {
      throw new Error(
        `kafka: a broker using ${propsFile} is already running (pid ${pid}, started by pid ${ppid}: ` +
          `${processCommandLine(ppid) ?? '?'}). Stop that stack first.`,
      );
    }
  }
}
