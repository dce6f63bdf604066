// Timeline benchmark: GET /api/v1/customers/{id}/interactions (the first page, 50 contacts, newest first)
// through the gateway with N interactions in the table (default 10 000 000), on a fresh local stack. A few
// customers are created through the API (the gateway asks customer-profile whether the caller may see
// them); the interactions are inserted set-based in SQL, spread over 100 000 customer ids, so the
// measured customers' timelines sit among millions of others'. The baseline, in the same run, is the
// bare SQL read of the same page.
//
//   npm run bench:timeline -- --interactions 10000000 --requests 200
//
// Human-readable lines go to stdout, ending with one line of JSON holding every figure.
import { performance } from 'node:perf_hooks';
import { demoUserToken } from '@rapport/stack';
import type { Client } from 'pg';
import { benchOnStack, UNTHROTTLED } from '../lib/harness';
import { benchArgs, int, profile } from '../lib/cli';
import { latency, percentile, ratio, round, timedRuns } from '../lib/stats';

const USAGE = `usage: npm run bench:timeline -- [--interactions N] [--requests R] [--profile P]
  --interactions N  interactions loaded, at least 1000 (default 10000000)
  --requests R      timeline reads measured (default 200)
  --profile P       the stack profile to start (default bench)`;

/** The goal of issue 15: a timeline read within 50 ms at p95 with 10M interactions. */
const GOAL_MS = 50;
const CUSTOMERS = 20;
const OTHER_CUSTOMER_IDS = 100_000;
const BATCH = 1_000_000;

/**
 * N interactions over the last two years: every 5 000th row goes to one of the measured customers (so each
 * has N / 5 000 / CUSTOMERS of them), the rest to 100 000 other ids; in batches of a million rows.
 */
async function load(db: Client, customers: readonly string[], total: number): Promise<number> {
  const started = performance.now();
  for (let from = 1; from <= total; from += BATCH) {
    const to = Math.min(total, from + BATCH - 1);
    await db.query(
      `INSERT INTO interaction.interactions (id, customer_id, channel, direction, occurred_at, agent, summary, logged_by, logged_at)
       SELECT md5('i' || g)::uuid,
              CASE WHEN g % 5000 = 0 THEN ($3::uuid[])[1 + (g / 5000) % array_length($3::uuid[], 1)]
                   ELSE md5('c' || (g % ${OTHER_CUSTOMER_IDS}))::uuid END,
              (ARRAY['phone', 'email', 'sms', 'wechat', 'visit'])[1 + g % 5],
              CASE WHEN g % 2 = 0 THEN 'inbound' ELSE 'outbound' END,
              now() - (g % 730) * interval '1 day' - (g % 86400) * interval '1 second',
              'agent' || (g % 50), 'Benchmark contact ' || g, 'bench', now()
         FROM generate_series($1::bigint, $2::bigint) AS g`,
      [from, to, customers],
    );
    process.stderr.write(`loaded ${to} interactions\n`);
  }
  await db.query('ANALYZE interaction.interactions');
  return (performance.now() - started) / 1000;
}

function main(): void {
  const args = benchArgs(USAGE, {
    interactions: int(10_000_000, { min: 1_000 }),
    requests: int(200),
    profile: profile(),
  });
  benchOnStack(
    'timeline',
    {
      heading: `timeline benchmark: ${args.interactions} interactions, ${args.requests} requests`,
      profile: args.profile,
      serviceEnv: UNTHROTTLED,
    },
    async ({ db, gatewayUrl }) => {
      // an admin sees every customer: the gateway's visibility check passes, as it does for an owner
      const token = await demoUserToken(gatewayUrl, 'admin');
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const customers: string[] = [];
      for (let i = 0; i < CUSTOMERS; i++) {
        const created = await fetch(`${gatewayUrl}/api/v1/customers?force=true`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: `Bench ${i}`, email: `bench${i}@example.com` }),
        });
        if (created.status !== 201) throw new Error(`creating a customer answered ${created.status}`);
        customers.push(((await created.json()) as { id: string }).id);
      }
      const seconds = await load(db, customers, args.interactions);
      console.log(`loaded ${args.interactions} interactions in ${seconds.toFixed(1)} s`);
      // every measured customer read once untimed first, then the requests round-robin
      const timed = (run: (customerId: string) => Promise<void>) =>
        timedRuns((i) => run(customers[i % customers.length]!), { requests: args.requests, warmUp: customers.length });
      let items = 0;
      const api = await timed(async (id) => {
        const response = await fetch(`${gatewayUrl}/api/v1/customers/${id}/interactions?limit=50`, { headers });
        if (response.status !== 200) throw new Error(`the timeline answered ${response.status}`);
        items = ((await response.json()) as { items: unknown[] }).items.length;
      });
      if (items === 0) throw new Error('the timeline came back empty: the load did not reach the measured customers');
      const bare = await timed(async (id) => {
        await db.query(
          `SELECT * FROM interaction.interactions WHERE customer_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT 50`,
          [id],
        );
      });
      const figures = {
        interactions: args.interactions,
        perMeasuredCustomer: Math.floor(args.interactions / 5000 / CUSTOMERS),
        loadSeconds: round(seconds),
        timeline: latency(api),
        bareSql: latency(bare),
        goalMs: GOAL_MS,
        p95OverGoal: ratio(percentile(api, 95), GOAL_MS),
        p95OverBare: ratio(percentile(api, 95), percentile(bare, 95)),
      };
      console.log(`  timeline through the gateway   p50 ${figures.timeline.p50} ms, p95 ${figures.timeline.p95} ms`);
      console.log(`  bare SQL page                  p50 ${figures.bareSql.p50} ms, p95 ${figures.bareSql.p95} ms`);
      console.log(`  p95 / ${GOAL_MS} ms goal: ${figures.p95OverGoal}; p95 / bare p95: ${figures.p95OverBare}`);
      return figures;
    },
  );
}

main();
