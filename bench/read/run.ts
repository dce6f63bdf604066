// Read-path benchmark (issue 18): GET /api/v1/customers/{id} through the gateway (analyst token, the rate
// limit lifted, 16 connections, autocannon) against a bare Fastify + pg endpoint doing the same three
// reads (bench/read/bare-server.ts), in the same run, on the same stack and the same rows. Rounds
// alternate bare and platform so that a change in the machine's load hits both.
//
//   npm run bench:read -- --duration 10 --connections 16 --rounds 3 --customers 200
//   npm run bench:read -- --cpu-prof     # services (and the bare server) write .cpuprofile files
//
// Human-readable lines go to stdout, ending with one line of JSON holding every figure.
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { demoUserToken, killAllSync, repoRoot, Stack } from '@rapport/stack';
import { benchArgs, int, profile } from '../lib/cli';

const USAGE = `usage: npm run bench:read -- [--duration S] [--connections C] [--rounds R] [--customers N] [--profile P] [--cpu-prof]
  --duration S     seconds per measured round (default 10)
  --connections C  concurrent connections (default 16)
  --rounds R       rounds, alternating gateway and bare (default 3)
  --customers N    customers read at random (default 200)
  --profile P      the stack profile to start (default bench)
  --cpu-prof       every service writes a CPU profile`;

const OPTIONS = { duration: int(10), connections: int(16), rounds: int(3), customers: int(200), profile: profile() };
const SWITCHES = ['cpuProf'] as const;
type Args = ReturnType<typeof benchArgs<typeof OPTIONS, (typeof SWITCHES)[number]>>;

// autocannon ships no types; the little of its API used here.
interface AutocannonResult {
  requests: { total: number };
  latency: { p50: number; p99: number; average: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  requests?: { method: string; setupRequest: (request: { path: string }) => { path: string } }[];
}) => Promise<AutocannonResult>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

/** The goals of issue 18. */
const GOAL_THROUGHPUT_RATIO = 0.5;
const GOAL_P99_RATIO = 2;
const BARE_PORT_OFFSET = 50;

interface Figures {
  reqPerSec: number;
  p50: number;
  p99: number;
  failed: number;
  /** CPU time (user + system) of the serving processes per request, in µs: robust to a shared machine's load. */
  cpuUsPerRequest: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU time of a process so far, in ms (/proc/<pid>/stat, fields 14 and 15). */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** The process running this build's main.js of a service, found by its command line and its PORT. */
function servicePid(name: string, port: string): number {
  const main = path.join(repoRoot(), 'dist', 'apps', name, 'src', 'main.js');
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(main)) continue;
      if (fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`PORT=${port}`)) return Number(entry);
    } catch {
      // gone, or not ours to read
    }
  }
  throw new Error(`no process found for ${name} on port ${port}`);
}

async function load(
  url: string,
  ids: readonly string[],
  headers: Record<string, string>,
  args: Args,
  seconds: number,
  pids: readonly number[],
) {
  let next = 0;
  const cpuBefore = pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const result = await autocannon({
    url,
    connections: args.connections,
    duration: seconds,
    headers,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: `${new URL(url).pathname}/${ids[next++ % ids.length]}` }),
      },
    ],
  });
  const cpu = pids.reduce((sum, pid) => sum + cpuMs(pid), 0) - cpuBefore;
  return {
    reqPerSec: Math.round(result.requests.total / seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
    cpuUsPerRequest: Math.round((cpu * 1000) / Math.max(1, result.requests.total)),
  } satisfies Figures;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(value * 1000) / 1000;
};

async function main(): Promise<number> {
  const args = benchArgs(USAGE, OPTIONS, SWITCHES);
  process.removeAllListeners('warning');
  const profileDir = path.resolve('.local', args.profile, 'cpu-profiles');
  if (args.cpuProf) {
    fs.rmSync(profileDir, { recursive: true, force: true });
    fs.mkdirSync(profileDir, { recursive: true });
  }
  const nodeOptions = args.cpuProf ? `--cpu-prof --cpu-prof-dir=${profileDir}` : undefined;
  const stack = new Stack({
    profile: args.profile,
    fresh: true,
    serviceEnv: {
      RATE_LIMIT_PER_SECOND: '1000000',
      RATE_LIMIT_BURST: '1000000',
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    },
    log: (line) => process.stderr.write(`[stack] ${line}\n`),
  });
  process.on('exit', () => killAllSync());
  const cpus = os.cpus();
  console.log(
    `read benchmark: ${args.customers} customers, ${args.connections} connections, ${args.rounds} rounds of ${args.duration} s; ${cpus.length} cores, node ${process.version}, load average ${os.loadavg()[0]!.toFixed(2)} at start`,
  );
  const info = await stack.start();
  const bare = fork(path.join(__dirname, 'bare-server.js'), [], {
    env: {
      ...process.env,
      DATABASE_URL: info.databaseUrl,
      PORT: String(Number(new URL(info.gatewayUrl).port) + BARE_PORT_OFFSET),
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      bare.once('message', () => resolve());
      bare.once('exit', (code) => reject(new Error(`the bare server exited (${code})`)));
    });
    const bareUrl = `http://127.0.0.1:${Number(new URL(info.gatewayUrl).port) + BARE_PORT_OFFSET}/customers`;
    const platformUrl = `${info.gatewayUrl}/api/v1/customers`;
    const admin = { authorization: `Bearer ${await demoUserToken(info.gatewayUrl, 'admin')}` };
    const ids: string[] = [];
    for (let i = 0; i < args.customers; i++) {
      const created = await fetch(`${info.gatewayUrl}/api/v1/customers?force=true`, {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: `Bench Customer ${i}`,
          email: `bench${i}@example.com`,
          phone: `1390000${String(i).padStart(4, '0')}`,
          tags: ['bench', `group-${i % 10}`],
          identifiers: [{ type: 'external', value: `bench-${i}` }],
          contacts: [
            { name: `Contact ${i}a`, phone: `1380000${String(i).padStart(4, '0')}`, email: `c${i}a@example.com` },
            { name: `Contact ${i}b`, email: `c${i}b@example.com` },
          ],
        }),
      });
      if (created.status !== 201)
        throw new Error(`creating a customer answered ${created.status}: ${await created.text()}`);
      ids.push(((await created.json()) as { id: string }).id);
    }
    const analyst = { authorization: `Bearer ${await demoUserToken(info.gatewayUrl, 'analyst')}` };
    // Both answer the same customer.
    const sample = (await (await fetch(`${platformUrl}/${ids[0]}`, { headers: analyst })).json()) as { id: string };
    const bareSample = (await (await fetch(`${bareUrl}/${ids[0]}`)).json()) as { id: string };
    if (sample.id !== ids[0] || bareSample.id !== ids[0]) throw new Error('the two endpoints answer differently');

    // CPU per request: the gateway and customer-profile for the platform, the bare server for the bound
    // (PostgreSQL's share is the same three statements for both and is left out).
    const platformPids = (['gateway', 'customer-profile'] as const).map((name) =>
      servicePid(name, new URL(info.serviceUrls[name]).port),
    );
    const barePids = [bare.pid!];
    // warm-up: JIT, connection pools
    await load(bareUrl, ids, {}, args, 3, barePids);
    await load(platformUrl, ids, analyst, args, 3, platformPids);
    const rounds: { bare: Figures; platform: Figures; ratio: number; p99Ratio: number; cpuRatio: number }[] = [];
    for (let round = 1; round <= args.rounds; round++) {
      const bareFigures = await load(bareUrl, ids, {}, args, args.duration, barePids);
      const platform = await load(platformUrl, ids, analyst, args, args.duration, platformPids);
      if (bareFigures.failed > 0 || platform.failed > 0)
        throw new Error(`failed requests: bare ${bareFigures.failed}, platform ${platform.failed}`);
      const figures = {
        bare: bareFigures,
        platform,
        ratio: Number((platform.reqPerSec / bareFigures.reqPerSec).toFixed(3)),
        p99Ratio: Number((platform.p99 / bareFigures.p99).toFixed(2)),
        cpuRatio: Number((platform.cpuUsPerRequest / bareFigures.cpuUsPerRequest).toFixed(2)),
      };
      rounds.push(figures);
      console.log(
        `  round ${round}: gateway ${platform.reqPerSec} req/s p50 ${platform.p50} ms p99 ${platform.p99} ms, ${platform.cpuUsPerRequest} µs CPU/req | bare ${bareFigures.reqPerSec} req/s p50 ${bareFigures.p50} ms p99 ${bareFigures.p99} ms, ${bareFigures.cpuUsPerRequest} µs CPU/req | req/s ratio ${figures.ratio}, p99 ratio ${figures.p99Ratio}, CPU/req ratio ${figures.cpuRatio}`,
      );
    }
    const summary = {
      ratio: median(rounds.map((r) => r.ratio)),
      ratioRange: [Math.min(...rounds.map((r) => r.ratio)), Math.max(...rounds.map((r) => r.ratio))],
      p99Ratio: median(rounds.map((r) => r.p99Ratio)),
      p99RatioRange: [Math.min(...rounds.map((r) => r.p99Ratio)), Math.max(...rounds.map((r) => r.p99Ratio))],
      cpuRatio: median(rounds.map((r) => r.cpuRatio)),
      cpuRatioRange: [Math.min(...rounds.map((r) => r.cpuRatio)), Math.max(...rounds.map((r) => r.cpuRatio))],
    };
    console.log(
      `  median req/s ratio ${summary.ratio} (goal ≥ ${GOAL_THROUGHPUT_RATIO}), median p99 ratio ${summary.p99Ratio} (goal ≤ ${GOAL_P99_RATIO}), median CPU per request ${summary.cpuRatio}× bare`,
    );
    console.log(
      JSON.stringify({
        bench: 'read',
        date: new Date().toISOString(),
        cores: cpus.length,
        loadAverageEnd: Number(os.loadavg()[0]!.toFixed(2)),
        connections: args.connections,
        duration: args.duration,
        rounds,
        ...summary,
      }),
    );
    return 0;
  } finally {
    bare.kill('SIGTERM');
    await stack.stop();
    if (args.cpuProf) process.stderr.write(`cpu profiles in ${profileDir}\n`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
