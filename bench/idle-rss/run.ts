// Idle memory benchmark (issue 18): starts the local stack (profile "bench") with every service, lets it
// settle, and reads each service's resident set size (VmRSS in /proc) a few times while nothing is asked
// of it. The bound, measured in the same run: a bare Node process of the same binary doing nothing, the
// floor under any service. Linux only (/proc).
//
//   npm run bench:idle-rss -- --settle 20 --samples 5
//
// Human-readable lines go to stdout, ending with one line of JSON holding every figure.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '@rapport/contracts';
import { killAllSync, repoRoot, Stack } from '@rapport/stack';
import { benchArgs, int, profile, text } from '../lib/cli';

const USAGE = `usage: npm run bench:idle-rss -- [--settle S] [--samples N] [--profile P] [--node-options="…"]
  --settle S        seconds the services idle before sampling (default 20)
  --samples N       RSS samples per service, a second apart (default 5)
  --profile P       the stack profile to start (default bench)
  --node-options=…  extra NODE_OPTIONS for every service, to try V8 flags`;

/** The goal of issue 18: every service under 200 MB resident when idle. */
const GOAL_MB = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
}

/** The process running this build's main.js of the service, found by its command line and its PORT. */
function pidOf(name: ServiceName, port: string): number {
  const main = path.join(repoRoot(), 'dist', 'apps', name, 'src', 'main.js');
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!cmdline.includes(main)) continue;
      const env = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (env.includes(`PORT=${port}`)) return Number(entry);
    } catch {
      // gone, or not ours to read
    }
  }
  throw new Error(`no process found for ${name} on port ${port}`);
}

/** V8's own view of a service (prom-client's default metrics at /metrics), in MB: where the RSS goes. */
async function heapOf(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const mb = (pattern: RegExp) => Math.round((Number(pattern.exec(text)?.[1] ?? NaN) / 1048576) * 10) / 10;
  return {
    heapUsed: mb(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)/m),
    heapTotal: mb(/^nodejs_heap_size_total_bytes(?:\{[^}]*\})? (\S+)/m),
    newSpace: mb(/^nodejs_heap_space_size_total_bytes\{[^}]*space="new"[^}]*\} (\S+)/m),
    oldSpace: mb(/^nodejs_heap_space_size_total_bytes\{[^}]*space="old"[^}]*\} (\S+)/m),
    external: mb(/^nodejs_external_memory_bytes(?:\{[^}]*\})? (\S+)/m),
  };
}

async function main(): Promise<number> {
  const args = benchArgs(USAGE, { settle: int(20), samples: int(5), profile: profile(), nodeOptions: text('') });
  const stack = new Stack({
    profile: args.profile,
    fresh: true,
    ...(args.nodeOptions ? { serviceEnv: { NODE_OPTIONS: args.nodeOptions } } : {}),
    log: (line) => process.stderr.write(`[stack] ${line}\n`),
  });
  process.on('exit', () => killAllSync());
  console.log(
    `idle RSS benchmark: settle ${args.settle} s, ${args.samples} samples${args.nodeOptions ? `, NODE_OPTIONS ${args.nodeOptions}` : ''}; ${os.cpus().length} cores, node ${process.version}, load average ${os.loadavg()[0]!.toFixed(2)} at start`,
  );
  const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
  try {
    const info = await stack.start();
    const pids = Object.fromEntries(
      SERVICE_NAMES.map((name) => [name, pidOf(name, new URL(info.serviceUrls[name]).port)]),
    ) as Record<ServiceName, number>;
    await sleep(args.settle * 1000);
    const samples: Record<string, number[]> = { 'bare node': [] };
    for (const name of SERVICE_NAMES) samples[name] = [];
    for (let i = 0; i < args.samples; i++) {
      samples['bare node']!.push(rssMb(bare.pid!));
      for (const name of SERVICE_NAMES) samples[name]!.push(rssMb(pids[name]));
      await sleep(2_000);
    }
    const figures = Object.fromEntries(
      Object.entries(samples).map(([name, values]) => [name, { min: Math.min(...values), max: Math.max(...values) }]),
    );
    const heaps: Record<string, Record<string, number>> = {};
    for (const name of SERVICE_NAMES) heaps[name] = await heapOf(info.serviceUrls[name]).catch(() => ({}));
    const floor = figures['bare node']!.max;
    for (const [name, { min, max }] of Object.entries(figures)) {
      const verdict = name === 'bare node' ? '(the floor)' : max < GOAL_MB ? `< ${GOAL_MB} MB` : `OVER ${GOAL_MB} MB`;
      console.log(
        `  ${name.padEnd(17)} ${String(min).padStart(6)}–${String(max).padEnd(6)} MB  ${(max / floor).toFixed(1)}× bare  ${verdict.padEnd(12)}` +
          (heaps[name]
            ? `  V8 heap used/total ${heaps[name].heapUsed}/${heaps[name].heapTotal} MB (new ${heaps[name].newSpace}, old ${heaps[name].oldSpace}), external ${heaps[name].external}`
            : ''),
      );
    }
    console.log(JSON.stringify({ bench: 'idle-rss', date: new Date().toISOString(), goalMb: GOAL_MB, rssMb: figures }));
    return 0;
  } finally {
    bare.kill();
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
