// SLA scheduler benchmark: N open tickets inserted in bulk (SQL) on a fresh local stack (profile "bench",
// all services), each with a breach timer due at a spread of instants over the next minutes; the
// service-desk instance's own scheduler (tick SERVICE_DESK_SLA_TICK_MS, 10 s) fires them. Prints the
// lateness of each firing against its instant (p50/p99/max, against the 30 s bound), the ticks' duration
// and events/s, that each timer fired exactly once, and the bulk recompute's rate after a PUT of the policy.
//
//   npm run bench:sla -- --tickets 100000 --minutes 3
//
// Human-readable lines go to stdout, ending with one line of JSON holding every figure; the stack's own
// log lines go to stderr.
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { demoUserToken, killAllSync, Stack } from '@rapport/stack';
import { Client } from 'pg';
import { benchArgs, int, positive } from '../lib/cli';
import { percentile, round } from '../lib/stats';

const USAGE = `usage: npm run bench:sla -- [--tickets N] [--minutes M] [--lead S]
  --tickets N  open tickets with a breach timer each (default 100000)
  --minutes M  the timers' instants spread evenly over M minutes (default 3)
  --lead S     the first instant, S seconds after the insert (default 20)`;

const OPTIONS = { tickets: int(100_000), minutes: positive(3), lead: int(20, { min: 0 }) };
type Args = ReturnType<typeof benchArgs<typeof OPTIONS>>;

const info = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Inserts the customer, the tickets, their SLA rows and one breach timer each, set-based. */
async function seed(db: Client, args: Args, batch: string): Promise<{ first: Date; last: Date }> {
  const customerId = randomUUID();
  await db.query(
    `INSERT INTO service_desk.customer_refs (customer_id, kind, created_at) VALUES ($1, 'person', now())`,
    [customerId],
  );
  const policy = (
    await db.query<{ version: number; calendar_id: string; calendar_version: number }>(
      `SELECT p.version, p.calendar_id, c.version AS calendar_version
         FROM service_desk.sla_policies p JOIN service_desk.business_calendars c ON c.id = p.calendar_id
        ORDER BY p.version DESC LIMIT 1`,
    )
  ).rows[0]!;
  const spreadMs = args.minutes * 60_000;
  const first = new Date(Date.now() + args.lead * 1000);
  await db.query('BEGIN');
  await db.query(
    `INSERT INTO service_desk.tickets (id, customer_id, type, channel, subject, description, priority, team, status,
       received_at, created_at, updated_at, queue, sla_due_at)
     SELECT gen_random_uuid(), $1, 'complaint', 'phone', $2, 'bench', 'normal', 'north', 'acknowledged',
            now(), now(), now(), 'general', $3::timestamptz + (i * $4::double precision / $5) * interval '1 millisecond'
       FROM generate_series(0, $5 - 1) i`,
    [customerId, batch, first, spreadMs, args.tickets],
  );
  await db.query(
    `INSERT INTO service_desk.ticket_sla (ticket_id, policy_version, calendar_id, calendar_version, tier,
       first_response_minutes, resolution_minutes, resolution_due, first_response_state, resolution_state, computed_at)
     SELECT t.id, $2, $3, $4, 'none', 240, 1350, t.sla_due_at, 'met', 'running', now()
       FROM service_desk.tickets t WHERE t.subject = $1`,
    [batch, policy.version, policy.calendar_id, policy.calendar_version],
  );
  await db.query(
    `INSERT INTO service_desk.sla_timers (ticket_id, target, level, action, fire_at)
     SELECT t.id, 'resolution', 100, 'notify', t.sla_due_at FROM service_desk.tickets t WHERE t.subject = $1`,
    [batch],
  );
  await db.query('COMMIT');
  return { first, last: new Date(first.getTime() + spreadMs) };
}

async function main(): Promise<number> {
  const args = benchArgs(USAGE, OPTIONS);
  const stack = new Stack({
    profile: 'bench',
    fresh: true,
    services: true,
    log: (line) => info(`[stack] ${line}`),
    serviceEnv: { LOG_LEVEL: 'warn' },
  });
  process.on('exit', () => killAllSync());
  let stopping: Promise<void> | undefined;
  const stopStack = () => (stopping ??= stack.stop().catch((error: Error) => info(`stack stop: ${error.message}`)));
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      setTimeout(() => process.exit(130), 30_000).unref();
      void stopStack().finally(() => process.exit(130));
    });
  const cpus = os.cpus();
  const loadAtStart = round(os.loadavg()[0]!, 2);
  console.log(
    `sla benchmark: ${args.tickets} open tickets, breach instants spread over ${args.minutes} min; ` +
      `${cpus.length} cores, node ${process.version}, load average ${loadAtStart} at start`,
  );
  let db: Client | undefined;
  try {
    const t0 = Date.now();
    const { databaseUrl, gatewayUrl } = await stack.start();
    console.log(`stack (fresh, profile bench, six services) ready in ${round((Date.now() - t0) / 1000)} s`);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const batch = `bench-${randomUUID()}`;
    const s0 = Date.now();
    const { last } = await seed(db, args, batch);
    console.log(`inserted ${args.tickets} tickets with their SLA and timers in ${round((Date.now() - s0) / 1000)} s`);

    // 1. the breach scheduler: wait for every timer to fire (the bound is 30 s after the last instant)
    const deadline = last.getTime() + 120_000;
    for (;;) {
      const pending = Number(
        (await db.query<{ n: string }>(`SELECT count(*) AS n FROM service_desk.sla_timers WHERE fired_at IS NULL`))
          .rows[0]!.n,
      );
      if (pending === 0) break;
      if (Date.now() > deadline) throw new Error(`${pending} timers still pending 120 s after the last instant`);
      await sleep(1_000);
    }
    const fired = (
      await db.query<{ fire_at: Date; fired_at: Date }>(
        `SELECT s.fire_at, s.fired_at FROM service_desk.sla_timers s ORDER BY s.fired_at`,
      )
    ).rows;
    const lateness = fired.map((r) => (r.fired_at.getTime() - r.fire_at.getTime()) / 1000).sort((a, b) => a - b);
    // the ticks: firings more than 2 s apart belong to different ticks
    const ticks: Array<{ start: number; end: number; count: number }> = [];
    for (const row of fired) {
      const at = row.fired_at.getTime();
      const tick = ticks.at(-1);
      if (tick && at - tick.end < 2_000) {
        tick.end = at;
        tick.count++;
      } else ticks.push({ start: at, end: at, count: 1 });
    }
    const busy = ticks.filter((t) => t.count > 1);
    const tickMs = busy.map((t) => t.end - t.start).sort((a, b) => a - b);
    const eventsPerSec =
      busy.reduce((n, t) => n + t.count, 0) / (busy.reduce((s, t) => s + (t.end - t.start), 0) / 1000);
    const breachedEvents = Number(
      (
        await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM service_desk.outbox WHERE event_type = 'rapport.service-desk.sla.breached.v1'`,
        )
      ).rows[0]!.n,
    );
    const scheduler = {
      timers: fired.length,
      breachedEvents,
      latenessSeconds: {
        p50: round(percentile(lateness, 50), 2),
        p99: round(percentile(lateness, 99), 2),
        max: round(lateness.at(-1) ?? 0, 2),
      },
      ticks: busy.length,
      tickMs: { p50: percentile(tickMs, 50), max: tickMs.at(-1) ?? 0 },
      eventsPerSecWithinTicks: round(eventsPerSec),
    };
    console.log('');
    console.log(`  breach scheduler`);
    console.log(
      `    fired                   ${scheduler.timers} timers, ${breachedEvents} sla.breached events (once each)`,
    );
    console.log(
      `    lateness vs instant     p50 ${scheduler.latenessSeconds.p50} s, p99 ${scheduler.latenessSeconds.p99} s, max ${scheduler.latenessSeconds.max} s (bound 30 s)`,
    );
    console.log(
      `    ticks with firings      ${busy.length}, duration p50 ${scheduler.tickMs.p50} ms, max ${scheduler.tickMs.max} ms; ${scheduler.eventsPerSecWithinTicks} events/s within ticks`,
    );

    // 2. the bulk recompute after a change of the policy (the tick recomputes the stale open tickets)
    const admin = await demoUserToken(gatewayUrl, 'admin');
    const current = (await (
      await fetch(`${gatewayUrl}/api/v1/sla-policies`, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as { calendarId: string; targets: Array<Record<string, unknown>>; escalations: unknown[] };
    const put = await fetch(`${gatewayUrl}/api/v1/sla-policies`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        calendarId: current.calendarId,
        escalations: current.escalations,
        targets: current.targets.map((t) =>
          t['priority'] === 'normal' && t['tier'] === 'none' ? { ...t, resolutionMinutes: 1200 } : t,
        ),
      }),
    });
    if (!put.ok) throw new Error(`PUT /api/v1/sla-policies answered ${put.status}: ${await put.text()}`);
    const version = ((await put.json()) as { version: number }).version;
    const r0 = Date.now();
    let firstAt: number | undefined;
    for (;;) {
      const done = Number(
        (
          await db.query<{ n: string }>(
            `SELECT count(*) AS n FROM service_desk.ticket_sla s JOIN service_desk.tickets t ON t.id = s.ticket_id
              WHERE t.subject = $1 AND s.policy_version = $2`,
            [batch, version],
          )
        ).rows[0]!.n,
      );
      if (done > 0 && firstAt === undefined) firstAt = Date.now();
      if (done >= args.tickets) break;
      if (Date.now() - r0 > 30 * 60_000) throw new Error(`recompute: ${done} of ${args.tickets} after 30 min`);
      await sleep(500);
    }
    const recomputeSeconds = (Date.now() - (firstAt ?? r0)) / 1000;
    const recompute = {
      tickets: args.tickets,
      secondsFromPut: round((Date.now() - r0) / 1000),
      seconds: round(recomputeSeconds),
      ticketsPerSec: round(args.tickets / Math.max(recomputeSeconds, 0.5)),
    };
    console.log('');
    console.log(`  bulk recompute after a PUT of the policy`);
    console.log(
      `    ${recompute.tickets} tickets in ${recompute.seconds} s from the first (${recompute.secondsFromPut} s from the PUT): ${recompute.ticketsPerSec} tickets/s`,
    );
    console.log('');
    console.log(
      JSON.stringify({
        bench: 'sla',
        date: new Date().toISOString(),
        cores: cpus.length,
        loadAvg1mAtStart: loadAtStart,
        ...args,
        scheduler,
        recompute,
      }),
    );
    return 0;
  } catch (error) {
    console.error(`bench sla failed: ${(error as Error).stack ?? String(error)}`);
    return 1;
  } finally {
    await db?.end().catch(() => undefined);
    await stopStack();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
