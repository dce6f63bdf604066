// Forecasts benchmark: POST /api/v1/analytics/forecasts through the gateway over N purchases (default
// 1 000 000) spread over two years (106 weeks) of the purchase ledger, on a fresh local stack. The
// purchases, their lines (one per purchase, 12 categories) and refunds (every 50th purchase, 10 %) are
// inserted set-based in SQL into analytics' ledger tables. Each forecast is timed against the bare SQL
// aggregation of the same periods in the same run: the forecast's extra cost is the models, their
// rolling-origin backtest, the JSON and the hops.
//
//   npm run bench:forecasts -- --purchases 1000000 --requests 5 --profile bench
//
// Human-readable lines go to stdout, ending with one line of JSON holding every figure.
import { performance } from 'node:perf_hooks';
import { demoUserToken } from '@rapport/stack';
import type { Client } from 'pg';
import { benchOnStack, UNTHROTTLED } from '../lib/harness';
import { benchArgs, int, profile } from '../lib/cli';
import { percentile, ratio, round } from '../lib/stats';

const USAGE = `usage: npm run bench:forecasts -- [--purchases N] [--requests R] [--profile P]
  --purchases N  purchases loaded into the ledger, at least 1000 (default 1000000)
  --requests R   forecasts measured per case, after one warm-up (default 5)
  --profile P    the stack profile to start (default bench)`;

const BATCH = 500_000;
const START = '2024-09-23T00:00:00+08:00'; // a Monday; 106 weeks to 2026-10-05
const SPAN_SECONDS = 106 * 7 * 86_400;
const TO = '2026-10-05T00:00:00+08:00';

/** The middle value (the lower of the two middle ones for an even count). */
const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

async function load(db: Client, total: number): Promise<number> {
  const started = performance.now();
  // a weekly rhythm and a slow trend, so the models have something to find
  const amount = `(20 + (g % 400) + 30 * (1 + sin(g::float8 / ${total} * 2 * pi() * 106 / 52)))::numeric(20, 4)`;
  const at = `($3::timestamptz + ((g * 7919) % ${SPAN_SECONDS}) * interval '1 second')`;
  for (let from = 1; from <= total; from += BATCH) {
    const to = Math.min(total, from + BATCH - 1);
    await db.query(
      `INSERT INTO analytics.purchases (purchase_id, customer_id, occurred_at, channel, total_base, refunded_base)
       SELECT md5('p' || g)::uuid, md5('c' || (g % 100000))::uuid, ${at},
              (ARRAY['web', 'store', 'wechat', 'app'])[1 + g % 4], ${amount},
              CASE WHEN g % 50 = 0 THEN round(${amount} * 0.1, 4) ELSE 0 END
         FROM generate_series($1::bigint, $2::bigint) AS g`,
      [from, to, START],
    );
    await db.query(
      `INSERT INTO analytics.purchase_lines (purchase_id, line_no, sku, category, quantity, line_total_base)
       SELECT md5('p' || g)::uuid, 0, 'SKU-' || (g % 500), 'cat-' || (g % 12), 1, ${amount}
         FROM generate_series($1::bigint, $2::bigint) AS g`,
      [from, to],
    );
    await db.query(
      `INSERT INTO analytics.purchase_refunds (refund_id, purchase_id, customer_id, amount_base, occurred_at)
       SELECT md5('r' || g)::uuid, md5('p' || g)::uuid, md5('c' || (g % 100000))::uuid, round(${amount} * 0.1, 4),
              ${at} + interval '3 days'
         FROM generate_series($1::bigint, $2::bigint) AS g WHERE g % 50 = 0`,
      [from, to, START],
    );
    process.stderr.write(`loaded ${to} purchases\n`);
  }
  await db.query('ANALYZE analytics.purchases');
  await db.query('ANALYZE analytics.purchase_lines');
  await db.query('ANALYZE analytics.purchase_refunds');
  return (performance.now() - started) / 1000;
}

interface Case {
  name: string;
  body: Record<string, unknown>;
  /** The bare aggregation of the same periods and keys. */
  sql: string;
}

const CASES: Case[] = [
  {
    name: 'revenue by week, overall, with holidays',
    body: { measure: 'revenue', granularity: 'week', horizon: 8, to: TO, holidays: true },
    sql: `SELECT date_trunc('week', occurred_at AT TIME ZONE 'Asia/Shanghai') AS period, sum(total_base)
          FROM analytics.purchases WHERE occurred_at < $1 GROUP BY 1`,
  },
  {
    name: 'revenue by week and category, with holidays',
    body: { measure: 'revenue', granularity: 'week', horizon: 8, by: 'category', to: TO, holidays: true },
    sql: `SELECT l.category, date_trunc('week', p.occurred_at AT TIME ZONE 'Asia/Shanghai') AS period, sum(l.line_total_base)
          FROM analytics.purchases p JOIN analytics.purchase_lines l ON l.purchase_id = p.purchase_id
          WHERE p.occurred_at < $1 GROUP BY 1, 2`,
  },
  {
    name: 'orders by month and channel',
    body: { measure: 'orders', granularity: 'month', horizon: 6, by: 'channel', to: TO },
    sql: `SELECT channel, date_trunc('month', occurred_at AT TIME ZONE 'Asia/Shanghai') AS period, count(*)
          FROM analytics.purchases WHERE occurred_at < $1 GROUP BY 1, 2`,
  },
];

function main(): void {
  const args = benchArgs(USAGE, {
    purchases: int(1_000_000, { min: 1_000 }),
    requests: int(5),
    profile: profile(),
  });
  benchOnStack(
    'forecasts',
    {
      heading: `forecasts benchmark: ${args.purchases} purchases over 106 weeks, ${args.requests} requests per case`,
      profile: args.profile,
      // the gateway's default 5 s upstream timeout would cut off a forecast on a loaded 2-core machine,
      // where the bare aggregation of a million purchases alone takes 2–4 s: the bench measures, not cuts
      serviceEnv: { ...UNTHROTTLED, UPSTREAM_TIMEOUT_MS: '120000' },
    },
    async ({ db, gatewayUrl }) => {
      const token = await demoUserToken(gatewayUrl, 'analyst');
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const seconds = await load(db, args.purchases);
      console.log(`loaded ${args.purchases} purchases in ${seconds.toFixed(1)} s`);
      const results = [];
      for (const c of CASES) {
        const forecastMs: number[] = [];
        const sqlMs: number[] = [];
        let summary = '';
        for (let i = 0; i <= args.requests; i++) {
          // the first round warms up (plans, JIT, caches) and is not counted
          let t0 = performance.now();
          const response = await fetch(`${gatewayUrl}/api/v1/analytics/forecasts`, {
            method: 'POST',
            headers,
            body: JSON.stringify(c.body),
          });
          const body = (await response.json()) as {
            series?: { key: string; chosenModel: string; holidays: { improved: boolean | null } }[];
          };
          if (response.status !== 201) throw new Error(`${c.name}: ${response.status} ${JSON.stringify(body)}`);
          const forecastTime = performance.now() - t0;
          t0 = performance.now();
          await db.query(c.sql, [TO]);
          const sqlTime = performance.now() - t0;
          if (i > 0) {
            forecastMs.push(forecastTime);
            sqlMs.push(sqlTime);
          }
          summary = `${body.series!.length} series; chosen: ${[...new Set(body.series!.map((s) => s.chosenModel))].join(', ')}; holidays improved: ${body.series!.filter((s) => s.holidays.improved).length}`;
        }
        const figures = {
          case: c.name,
          forecastMedianMs: round(median(forecastMs)),
          forecastMaxMs: round(Math.max(...forecastMs)),
          sqlMedianMs: round(median(sqlMs)),
          ratio: ratio(median(forecastMs), median(sqlMs)),
          summary,
        };
        results.push(figures);
        console.log(
          `  ${c.name.padEnd(44)} forecast median ${figures.forecastMedianMs} ms (max ${figures.forecastMaxMs}), ` +
            `bare SQL median ${figures.sqlMedianMs} ms, ratio ${figures.ratio} — ${summary}`,
        );
      }
      return { purchases: args.purchases, loadSeconds: round(seconds), results };
    },
  );
}

main();
