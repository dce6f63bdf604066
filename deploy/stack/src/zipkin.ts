// The local trace backend with a UI: Zipkin's server from Maven Central (deploy/zipkin/pom.xml), run
// by the JVM that runs the Kafka broker, memory storage, supervised like the broker. Why Zipkin and
// not Jaeger: Jaeger's Go module carries no UI assets (README.md, "Decisions").
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  assertPortFree,
  runCommand,
  sleep,
  spawnLogged,
  stopChild,
  tailFile,
  which,
  type ManagedChild,
} from './processes';
import { Supervisor } from './supervision';

const HOST = '127.0.0.1';
const STAMP_FILE = '.rapport-pom.sha256';

export interface TracesOptions {
  rootDir: string;
  /** Where the jar is cached, shared by every profile: <repo>/.local/tools/zipkin. */
  toolsDir: string;
  /** The profile's folder for the server's log. */
  logDir: string;
  /** UI and API (/zipkin/, /api/v2/...) and the span intake (/api/v2/spans). */
  port: number;
  log?: (line: string) => void;
  heapMb?: number;
  readyTimeoutMs?: number;
}

export interface TracesHandle {
  /** The UI, e.g. http://127.0.0.1:9411/zipkin/ ; a trace is at `${uiUrl}traces/<traceId>`. */
  uiUrl: string;
  /** Where services send spans (OTEL_EXPORTER_ZIPKIN_ENDPOINT). */
  spansEndpoint: string;
  /** The trace's JSON: `${apiUrl}/trace/<traceId>`. */
  apiUrl: string;
  /** Resolves once the server answers /health (start() does not wait for it: the JVM takes 5-30 s). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** The Zipkin exec jar resolved from deploy/zipkin/pom.xml into toolsDir; Maven runs only when it is missing or the pom changed. */
export async function ensureZipkinJar(rootDir: string, toolsDir: string, log: (line: string) => void): Promise<string> {
  const pom = path.join(rootDir, 'deploy', 'zipkin', 'pom.xml');
  const hash = createHash('sha256').update(fs.readFileSync(pom)).digest('hex');
  const stampPath = path.join(toolsDir, STAMP_FILE);
  const jarOf = (dir: string) => fs.readdirSync(dir).find((f) => /^zipkin-server-.*-exec\.jar$/.test(f));
  if (fs.existsSync(stampPath) && fs.readFileSync(stampPath, 'utf8').trim() === hash) {
    const jar = jarOf(toolsDir);
    if (jar) return path.join(toolsDir, jar);
  }
  const mvn = which('mvn');
  if (!mvn)
    throw new Error(
      `traces: Maven (mvn) is not on PATH to fetch Zipkin (${pom}); install it, or start with --no-traces.`,
    );
  const staging = `${toolsDir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const logFile = path.join(path.dirname(toolsDir), 'zipkin-maven.log');
  log(`traces: fetching the Zipkin server with Maven, once (~135 MB; log: ${logFile})`);
  const t = Date.now();
  const res = await runCommand(
    mvn,
    ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`],
    { cwd: path.dirname(pom), logFile, timeoutMs: 15 * 60_000 },
  );
  const jar = res.code === 0 ? jarOf(staging) : undefined;
  if (!jar) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new Error(
      `traces: Maven did not fetch the Zipkin server (exit ${res.code ?? res.signal}). Log: ${logFile}\n` +
        res.output.trim().split('\n').slice(-20).join('\n'),
    );
  }
  fs.writeFileSync(path.join(staging, STAMP_FILE), `${hash}\n`);
  fs.rmSync(toolsDir, { recursive: true, force: true });
  fs.renameSync(staging, toolsDir);
  log(`traces: ${jar} ready in ${toolsDir} (${Date.now() - t} ms)`);
  return path.join(toolsDir, jar);
}

/** Starts Zipkin (memory storage) and returns at once; `ready` tells when it answers. */
export async function startTraces(opts: TracesOptions): Promise<TracesHandle> {
  const log = opts.log ?? (() => undefined);
  const jar = await ensureZipkinJar(opts.rootDir, opts.toolsDir, log);
  const java =
    process.env.JAVA_HOME && fs.existsSync(path.join(process.env.JAVA_HOME, 'bin', 'java'))
      ? path.join(process.env.JAVA_HOME, 'bin', 'java')
      : which('java');
  if (!java)
    throw new Error(
      'traces: no java found (JAVA_HOME or PATH) to run Zipkin; install a JDK >= 17, or start with --no-traces.',
    );
  const base = `http://${HOST}:${opts.port}`;
  const logFile = path.join(opts.logDir, 'zipkin.log');
  const heapMb = opts.heapMb ?? 256;
  // A JVM on a busy 2-core machine: measured 10-70 s to ready.
  const readyTimeoutMs = opts.readyTimeoutMs ?? 180_000;
  let child: ManagedChild | undefined;
  let stopRequested = false;

  const launch = async (): Promise<void> => {
    await assertPortFree(HOST, opts.port, 'zipkin');
    if (stopRequested) throw new Error('traces: not started, the stack is stopping');
    const c = spawnLogged({
      name: 'zipkin',
      command: java,
      args: [
        `-Xms64m`,
        `-Xmx${heapMb}m`,
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-XX:+ExitOnOutOfMemoryError',
        '-jar',
        jar,
      ],
      logFile,
      cwd: opts.logDir,
      // Memory storage: the last 100k spans, gone on stop. Only the loopback address is served.
      env: {
        ...process.env,
        QUERY_PORT: String(opts.port),
        STORAGE_TYPE: 'mem',
        MEM_MAX_SPANS: '20000',
        ARMERIA_PORTS_0_PORT: String(opts.port),
        ARMERIA_PORTS_0_IP: HOST,
        ARMERIA_PORTS_0_PROTOCOLS_0: 'http',
        JAVA_OPTS: '',
      },
      parentDeathSignal: 'SIGTERM',
      emergencySignal: 'SIGKILL',
    });
    child = c;
    const deadline = Date.now() + readyTimeoutMs;
    while (Date.now() < deadline && !stopRequested) {
      if (!c.isRunning())
        throw new Error(
          `traces: Zipkin exited during start-up\n--- ${logFile} ---\n${tailFile(logFile, 30, c.logOffset)}`,
        );
      try {
        if ((await fetch(`${base}/health`, { signal: AbortSignal.timeout(2_000) })).ok) {
          void c.exited.then((info) => {
            if (!stopRequested && child === c) supervisor.crashed(info, c.logOffset);
          });
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    await stopChild(c, { signal: 'SIGKILL', timeoutMs: 5_000 });
    if (stopRequested) throw new Error('traces: stopped before Zipkin was ready');
    throw new Error(
      `traces: Zipkin was not ready within ${readyTimeoutMs / 1000} s\n--- ${logFile} ---\n${tailFile(logFile, 30, c.logOffset)}`,
    );
  };

  const supervisor = new Supervisor({ name: 'zipkin', log, logFile, restart: launch });
  const started = Date.now();
  const ready = launch().then(() => log(`traces: Zipkin ready on ${base} in ${Date.now() - started} ms`));
  ready.catch(() => undefined); // the caller awaits it; no unhandled rejection before then
  return {
    uiUrl: `${base}/zipkin/`,
    spansEndpoint: `${base}/api/v2/spans`,
    apiUrl: `${base}/api/v2`,
    ready,
    stop: async () => {
      stopRequested = true;
      await supervisor.cancel().catch(() => undefined);
      await ready.catch(() => undefined);
      if (child?.isRunning()) await stopChild(child, { signal: 'SIGTERM', timeoutMs: 10_000, log });
    },
  };
}
