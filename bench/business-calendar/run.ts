// Business-calendar benchmark: SLA deadlines per second on one core with China's official calendar over
// ten years of overrides (statutory holidays and make-up working days from `chinese-days`), random starts
// over those ten years and random durations. No stack, no database: the library alone. In the same run
// it measures a calendar-free bound, the same loop adding the minutes with plain `Date` arithmetic, so the
// figures compare across machines as a ratio.
//
//   node deploy/bootstrap.cjs bench business-calendar --deadlines 1000000
//   node deploy/build.cjs && node_modules/.bin/node dist/bench/business-calendar/run.js --deadlines 1000000
//
// Human-readable lines go to stdout, ending with one line of JSON holding every figure.
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  addBusinessMinutes,
  businessSecondsBetween,
  chinaOfficialDataYears,
  chinaStandardCalendar,
  compileBusinessCalendar,
  toCalendarIso,
  type BusinessCalendar,
} from '@rapport/platform-business-calendar';
import { benchArgs, int } from '../lib/cli';
import { round } from '../lib/stats';

const TARGET_PER_SECOND = 200_000;
const YEARS = 10;
const WARMUP = 200_000;
const CHECKED = 20_000;

const USAGE = `usage: node dist/bench/business-calendar/run.js [--deadlines N] [--rounds R] [--max-minutes M] [--seed S]
  --deadlines N    deadlines computed per round (default 1000000)
  --rounds R       measured rounds, each over the same inputs; best and median are reported (default 5)
  --max-minutes M  durations are uniform in 1..M business minutes (default 4800: ten 8-hour days)
  --seed S         seed of the random starts and durations (default 1)`;

/** mulberry32: a small seeded PRNG, so every run draws the same inputs. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const perSecond = (count: number, ms: number): number => Math.round((count * 1000) / ms);

function main(): void {
  const args = benchArgs(USAGE, { deadlines: int(1_000_000), rounds: int(5), maxMinutes: int(4_800), seed: int(1) });
  const { last } = chinaOfficialDataYears();
  const from = last - YEARS + 1;

  // The calendar as a service holds it: the plain model (jsonb), passed to the function API, which
  // compiles it on first use and caches the compiled form per object.
  const buildStarted = performance.now();
  const calendar: BusinessCalendar = chinaStandardCalendar({ from, to: last });
  const builtMs = performance.now() - buildStarted;
  // Compiling, and building every year's working intervals, measured apart on a second copy of the model.
  const compileStarted = performance.now();
  const compiled = compileBusinessCalendar(calendar);
  for (let year = from; year <= last + 1; year++) compiled.isWorkingTime(new Date(Date.UTC(year, 5, 1)));
  const compileMs = performance.now() - compileStarted;
  // Again: the zone's offsets are cached per zone and year, so another calendar in the same zone costs less.
  const recompileStarted = performance.now();
  const again = compileBusinessCalendar(calendar);
  for (let year = from; year <= last + 1; year++) again.isWorkingTime(new Date(Date.UTC(year, 5, 1)));
  const recompileMs = performance.now() - recompileStarted;

  const next = random(args.seed);
  const span = Date.UTC(last + 1, 0, 1) - Date.UTC(from, 0, 1);
  const starts: Date[] = new Array(args.deadlines);
  const minutes = new Float64Array(args.deadlines);
  for (let i = 0; i < args.deadlines; i++) {
    starts[i] = new Date(Date.UTC(from, 0, 1) + Math.floor((next() * span) / 1000) * 1000);
    minutes[i] = 1 + Math.floor(next() * args.maxMinutes);
  }

  // Warm-up of both loops (JIT), not measured.
  let sink = 0;
  for (let i = 0; i < Math.min(WARMUP, args.deadlines); i++) {
    sink += addBusinessMinutes(calendar, starts[i]!, minutes[i]!).getTime() % 1_000;
    sink += new Date(starts[i]!.getTime() + minutes[i]! * 60_000).getTime() % 1_000;
  }

  const calendarRates: number[] = [];
  const baselineRates: number[] = [];
  for (let r = 0; r < args.rounds; r++) {
    let t0 = performance.now();
    for (let i = 0; i < args.deadlines; i++)
      sink += addBusinessMinutes(calendar, starts[i]!, minutes[i]!).getTime() % 1_000;
    calendarRates.push(perSecond(args.deadlines, performance.now() - t0));

    t0 = performance.now();
    for (let i = 0; i < args.deadlines; i++)
      sink += new Date(starts[i]!.getTime() + minutes[i]! * 60_000).getTime() % 1_000;
    baselineRates.push(perSecond(args.deadlines, performance.now() - t0));
  }

  // Elapsed working time (the other half of SLA tracking), over the same pairs.
  const deadlines = starts.map((start, i) => addBusinessMinutes(calendar, start, minutes[i]!));
  const t0 = performance.now();
  for (let i = 0; i < args.deadlines; i++) sink += businessSecondsBetween(calendar, starts[i]!, deadlines[i]!) % 1_000;
  const betweenRate = perSecond(args.deadlines, performance.now() - t0);

  // Sanity: the deadline is exactly the duration away in business time.
  let exact = 0;
  for (let i = 0; i < Math.min(CHECKED, args.deadlines); i++) {
    if (businessSecondsBetween(calendar, starts[i]!, deadlines[i]!) === minutes[i]! * 60) exact += 1;
  }

  const best = Math.max(...calendarRates);
  const mid = median(calendarRates);
  const baselineBest = Math.max(...baselineRates);
  const baselineMid = median(baselineRates);
  const sample = `${toCalendarIso(calendar, starts[0]!)} + ${minutes[0]} min -> ${toCalendarIso(calendar, deadlines[0]!)}`;
  const results = {
    benchmark: 'business-calendar',
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    loadAverage1m: round(os.loadavg()[0]!, 2),
    years: `${from}-${last}`,
    overrides: calendar.overrides?.length ?? 0,
    deadlines: args.deadlines,
    rounds: args.rounds,
    maxMinutes: args.maxMinutes,
    seed: args.seed,
    buildMs: round(builtMs, 1),
    compileMs: round(compileMs, 1),
    recompileMs: round(recompileMs, 1),
    deadlinesPerSecond: best,
    deadlinesPerSecondMedian: mid,
    nsPerDeadline: round(1e9 / best, 1),
    targetPerSecond: TARGET_PER_SECOND,
    targetRatio: round(best / TARGET_PER_SECOND, 2),
    baselinePerSecond: baselineBest,
    baselinePerSecondMedian: baselineMid,
    baselineRatio: round(best / baselineBest, 3),
    betweenPerSecond: betweenRate,
    exactRoundTrips: `${exact}/${Math.min(CHECKED, args.deadlines)}`,
    sink: sink % 1_000_000,
  };

  const line = (label: string, value: string): void => console.log(`  ${label.padEnd(24)} ${value}`);
  line('calendar', `Asia/Shanghai, Mon-Fri 09:00-12:00 13:30-18:00, ${results.overrides} overrides (${from}-${last})`);
  line(
    'build / compile',
    `${results.buildMs} ms model; compile + ${YEARS + 1} years built ${results.compileMs} ms ` +
      `(${results.recompileMs} ms once the zone's offsets are cached)`,
  );
  line('deadlines', `${args.deadlines} x ${args.rounds} rounds, starts in ${from}-${last}, 1..${args.maxMinutes} min`);
  line(
    'addBusinessMinutes',
    `${best.toLocaleString('en')} deadlines/s best, ${mid.toLocaleString('en')} median (${results.nsPerDeadline} ns each)`,
  );
  line('target 200k/s', `ratio ${results.targetRatio}`);
  line(
    'Date addition (bound)',
    `${baselineBest.toLocaleString('en')} /s best, ${baselineMid.toLocaleString('en')} median`,
  );
  line('calendar / bound', `${results.baselineRatio}`);
  line('businessSecondsBetween', `${betweenRate.toLocaleString('en')} /s`);
  line('exact round trips', `${results.exactRoundTrips} (businessSecondsBetween(start, deadline) = minutes x 60)`);
  line('sample', sample);
  line('load average (1 min)', `${results.loadAverage1m} on ${results.cores} cores`);
  console.log(JSON.stringify(results));
}

main();
