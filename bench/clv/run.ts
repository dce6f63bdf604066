// CLV fit benchmark: POST /api/v1/analytics/models/clv/fits through the gateway over N synthetic customers
// (default 1 000 000), on a fresh local stack. The purchases are generated into analytics' purchase ledger
// in SQL (generate_series) by the BG/NBD process itself with known parameters: each customer buys at a
// rate λ ~ Gamma(r = 1, α = 10 weeks) (an exponential, drawn by inversion) with exponential gaps, and after
// each REPEAT purchase (never right after the first: BG/NBD's P(alive | x = 0) = 1) drops out with
// probability p ~ Beta(a = 1, b = 4) (drawn by inversion), over the two
// years before the calibration end, at most 30 purchases each; a purchase is worth 5–75 in the base
// currency. The fit is then asked for and polled until it finishes, and its parameters are printed
// next to the true ones. The bound, measured in the same run, is the SQL pass that builds the collapsed
// rows (the fit's own loadMs): what any fit must at least read.
//
//   npm run bench:clv -- --customers 1000000
//
// Human-readable lines go to stdout, ending with one line of JSON holding every figure.
import { performance } from 'node:perf_hooks';
import { demoUserToken } from '@rapport/stack';
import type { Client } from 'pg';
import { benchOnStack, loadAverage, UNTHROTTLED } from '../lib/harness';
import { ratio } from '../lib/stats';
import { benchArgs, int, profile } from '../lib/cli';

const USAGE = `usage: npm run bench:clv -- [--customers N] [--profile P]
  --customers N  synthetic customers generated (default 1000000)
  --profile P    the stack profile to start (default bench)`;

/** The goal of issue 16: a CLV fit over 1M customers within 60 s. */
const GOAL_MS = 60_000;
const CALIBRATION_END = '2026-06-30T00:00:00Z';

/** The parameters the purchases are drawn from. */
const TRUE_PARAMS = { r: 1, alpha: 10, a: 1, b: 4 };

/** One statement: each customer's first purchase, then up to 29 repeats while they stay alive and in the window. */
async function load(db: Client, customers: number): Promise<{ seconds: number; purchases: number }> {
  const started = performance.now();
  await db.query(`SET work_mem = '256MB'`);
  const result = await db.query(
    `INSERT INTO analytics.purchases (purchase_id, customer_id, occurred_at, channel, total_base, refunded_base)
     SELECT md5(c.g || '/' || s.k)::uuid, md5('clv-bench-' || c.g)::uuid,
            $2::timestamptz - interval '728 days' + (c.first_day + s.t) * interval '1 day',
            'web', round((c.spend * (0.5 + random()))::numeric, 2), 0
       FROM (SELECT g, floor(random() * 728) AS first_day,
                    -ln(1 - random()) / $3::float8 AS rate,          -- Gamma(1, α): exponential, per week
                    1 - power(1 - random(), 1 / $4::float8) AS p,    -- Beta(1, b) by inversion
                    10 + random() * 40 AS spend
               FROM generate_series(1, $1) AS g) AS c
      CROSS JOIN LATERAL (
        SELECT k, sum(gap) OVER w AS t,
               coalesce(bool_and(k = 0 OR u >= c.p) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), true) AS alive
          FROM (SELECT k, CASE WHEN k = 0 THEN 0 ELSE -ln(1 - random()) / c.rate * 7 END AS gap, random() AS u
                  FROM generate_series(0, 29) AS k) AS x
        WINDOW w AS (ORDER BY k)
      ) AS s
      WHERE s.alive AND c.first_day + s.t < 728`,
    [customers, CALIBRATION_END, TRUE_PARAMS.alpha, TRUE_PARAMS.b],
  );
  await db.query('ANALYZE analytics.purchases');
  return { seconds: (performance.now() - started) / 1000, purchases: result.rowCount ?? 0 };
}

interface Fit {
  id: string;
  status: string;
  durationMs: number | null;
  data: { customers: number; transactions: number; rows: number; loadMs: number; optimiseCpuMs: number } | null;
  bgnbd: Record<string, number> | null;
  gammaGamma: Record<string, number> | null;
  error: unknown;
}

function main(): void {
  const args = benchArgs(USAGE, { customers: int(1_000_000, { min: 100 }), profile: profile() });
  benchOnStack(
    'clv',
    {
      heading: `CLV fit benchmark: ${args.customers} customers`,
      profile: args.profile,
      // the scoring run would read the same purchases meanwhile; the bench times the fit alone
      serviceEnv: { ...UNTHROTTLED, ANALYTICS_SCORING_INTERVAL_MS: '0' },
    },
    async ({ db, gatewayUrl }) => {
      const loaded = await load(db, args.customers);
      console.log(
        `loaded ${loaded.purchases} purchases of ${args.customers} customers in ${loaded.seconds.toFixed(1)} s`,
      );
      const headers = {
        authorization: `Bearer ${await demoUserToken(gatewayUrl, 'analyst')}`,
        'content-type': 'application/json',
      };
      const t0 = performance.now();
      const started = await fetch(`${gatewayUrl}/api/v1/analytics/models/clv/fits`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ calibrationEnd: CALIBRATION_END }),
      });
      if (started.status !== 201 && started.status !== 202)
        throw new Error(`the fit answered ${started.status}: ${await started.text()}`);
      let fit = (await started.json()) as Fit;
      while (fit.status === 'running') {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const polled = await fetch(`${gatewayUrl}/api/v1/analytics/models/clv/fits/${fit.id}`, { headers });
        fit = (await polled.json()) as Fit;
      }
      const wallMs = performance.now() - t0;
      if (fit.status !== 'succeeded' || !fit.data || fit.durationMs === null)
        throw new Error(`the fit ${fit.status}: ${JSON.stringify(fit.error)}`);
      const figures = {
        customers: fit.data.customers,
        transactions: fit.data.transactions,
        collapsedRows: fit.data.rows,
        fitMs: fit.durationMs,
        wallMs: Math.round(wallMs),
        loadMs: fit.data.loadMs,
        optimiseMs: fit.durationMs - fit.data.loadMs,
        optimiseCpuMs: fit.data.optimiseCpuMs,
        // the fit's cost on an otherwise idle core: the SQL pass plus the optimisation's CPU time
        idleCoreEstimateMs: fit.data.loadMs + fit.data.optimiseCpuMs,
        loadAverageAtEnd: loadAverage(),
        goalMs: GOAL_MS,
        fitOverGoal: ratio(fit.durationMs, GOAL_MS),
        fitOverLoad: ratio(fit.durationMs, fit.data.loadMs),
        bgnbd: fit.bgnbd,
        bgnbdTrue: TRUE_PARAMS,
        gammaGamma: fit.gammaGamma,
      };
      console.log(
        `  ${figures.customers} customers, ${figures.transactions} transactions → ${figures.collapsedRows} collapsed rows`,
      );
      console.log(
        `  fit ${figures.fitMs} ms (SQL pass ${figures.loadMs} ms, optimisation ${figures.optimiseMs} ms); wall ${figures.wallMs} ms`,
      );
      console.log(`  BG/NBD fitted ${JSON.stringify(fit.bgnbd)}; drawn from ${JSON.stringify(TRUE_PARAMS)}`);
      console.log(
        `  optimisation CPU ${figures.optimiseCpuMs} ms (load average ${figures.loadAverageAtEnd} at the end)`,
      );
      console.log(`  fit / ${GOAL_MS} ms goal: ${figures.fitOverGoal}; fit / SQL pass: ${figures.fitOverLoad}`);
      return figures;
    },
  );
}

main();
