// Summarises V8 CPU profiles (.cpuprofile, written by `node --cpu-prof`): busy time, then the top functions
// by self time and by inclusive time, and self time by package (node_modules/<pkg>, apps/<svc>, libs/<lib>,
// node: built-ins). Used for the "Profiles" findings in bench/README.md.
//
//   node dist/bench/tools/cpu-profile-top.js <file.cpuprofile> [--top 25] [--requests N] [--window FROM TO]
//
// With --requests, busy time is also given per request (or per event): busy ms ÷ N. With --window, only
// the samples between FROM and TO (ISO instants, e.g. the measured phase a benchmark printed) count: the
// profile's start is taken from its file name (CPU.YYYYMMDD.HHMMSS.pid..., local time, to the second).
import * as fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const IDLE = new Set(['(idle)', '(program)']);

function packageOf(url: string): string {
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 14).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const match = /\/(apps|libs)\/((?:platform\/)?[^/]+)\//.exec(url);
  return match ? `${match[1]}/${match[2]}` : url.replace(/^file:\/\//, '');
}

function frameKey(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/dist\//, '');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

function main(): void {
  const argv = process.argv.slice(2);
  const file = argv[0];
  if (!file) throw new Error('usage: cpu-profile-top <file.cpuprofile> [--top N] [--requests N]');
  const top = argv.includes('--top') ? Number(argv[argv.indexOf('--top') + 1]) : 25;
  const requests = argv.includes('--requests') ? Number(argv[argv.indexOf('--requests') + 1]) : undefined;
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  let window: [number, number] = [-Infinity, Infinity];
  if (argv.includes('--window')) {
    const at = argv.indexOf('--window');
    const stamp = /CPU\.(\d{4})(\d{2})(\d{2})\.(\d{2})(\d{2})(\d{2})\./.exec(file);
    if (!stamp) throw new Error('--window needs the file name node gives a profile (CPU.YYYYMMDD.HHMMSS...)');
    const [, y, mo, d, h, mi, se] = stamp.map(Number) as number[];
    const started = new Date(y!, mo! - 1, d!, h!, mi!, se!).getTime();
    window = [Date.parse(argv[at + 1]!) - started, Date.parse(argv[at + 2]!) - started];
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const callersOf = argv.includes('--callers') ? argv[argv.indexOf('--callers') + 1]! : undefined;
  const callers = new Map<string, number>();
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const packages = new Map<string, number>();
  let busy = 0;
  let gc = 0;
  let elapsed = 0;
  let windowMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!)!;
    const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    elapsed += (profile.timeDeltas[i] ?? 0) / 1000;
    if (elapsed < window[0] || elapsed > window[1]) continue;
    windowMs += ms;
    if (IDLE.has(node.callFrame.functionName)) continue;
    busy += ms;
    if (node.callFrame.functionName === '(garbage collector)') gc += ms;
    const key = frameKey(node);
    self.set(key, (self.get(key) ?? 0) + ms);
    const pkg = packageOf(node.callFrame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
    if (callersOf && key.startsWith(callersOf)) {
      const chain: string[] = [];
      for (let id = parent.get(node.id); id !== undefined && chain.length < 12; id = parent.get(id))
        chain.push(frameKey(byId.get(id)!).split(' ')[0]!);
      callers.set(chain.join(' < '), (callers.get(chain.join(' < ')) ?? 0) + ms);
    }
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const k = frameKey(byId.get(id)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  }
  const wall = Number.isFinite(window[0]) ? windowMs : (profile.endTime - profile.startTime) / 1000;
  const pct = (ms: number) => `${((100 * ms) / busy).toFixed(1)}%`.padStart(6);
  const row = (ms: number, label: string) =>
    `${ms.toFixed(0).padStart(8)} ms ${pct(ms)}${requests ? `  ${((ms * 1000) / requests).toFixed(1).padStart(7)} µs/op` : ''}  ${label}`;
  console.log(`${file}`);
  console.log(
    `wall ${(wall / 1000).toFixed(1)} s, busy ${(busy / 1000).toFixed(1)} s (${((100 * busy) / wall).toFixed(0)}% of one core), GC ${pct(gc).trim()}${requests ? `, ${((busy * 1000) / requests).toFixed(0)} µs busy per op over ${requests} ops` : ''}`,
  );
  const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  if (callersOf) {
    console.log(`\ncallers of ${callersOf}:`);
    for (const [k, ms] of sorted(callers)) console.log(row(ms, k));
    return;
  }
  console.log('\nself time by package:');
  for (const [k, ms] of sorted(packages)) console.log(row(ms, k));
  console.log('\nself time by function:');
  for (const [k, ms] of sorted(self)) console.log(row(ms, k));
  console.log('\ninclusive time by function:');
  for (const [k, ms] of sorted(inclusive)) console.log(row(ms, k));
}

main();
