// Recommendations benchmark: a model build (co-occurrence model, popularity list and the self-evaluation
// on the held-out last baskets) over N baskets (default 1 000 000), asked through the gateway
// (POST /api/v1/analytics/recommendations/builds, then GET …/evaluation until it shows the build), on a
// fresh local stack. The baskets go straight into analytics' purchase ledger, set-based in SQL
// (generate_series): N / 4 customers with four baskets each, one to four lines from 20 000 SKUs in 500
// families of 40, each customer buying mostly from one family. The bound, in the same run, is the bare
// SQL co-occurrence count of the same lines (the self-join grouped by SKU pair): what any co-occurrence
// model must at least do. Then a customer's recommendations are asked R times (p50/p95).
//
//   npm run bench:recommendations -- --baskets 1000000 --requests 50
//
// Human-readable lines go to stdout, ending with one line of JSON holding every figure.
import { performance } from 'node:perf_hooks';
import { demoUserToken } from '@rapport/stack';
import type { Client } from 'pg';
import { benchOnStack, UNTHROTTLED } from '../lib/harness';
import { benchArgs, int, profile } from '../lib/cli';
import { latency, ratio, round, timedRuns } from '../lib/stats';

const USAGE = `usage: npm run bench:recommendations -- [--baskets N] [--requests R] [--profile P]
  --baskets N    purchases loaded, four per customer (default 1000000)
  --requests R   a customer's recommendations asked, measured (default 50)
  --profile P    the stack profile to start (default bench)`;

/**
 * N purchases of N / 4 customers (a week apart), one in 50 fully refunded; each with 1–4 lines. A
 * customer's lines come from their family 7 times in 8, otherwise from a random one.
 */
async function load(db: Client, baskets: number): Promise<number> {
  const started = performance.now();
  const customers = Math.max(1, Math.floor(baskets / 4));
  await db.query(
    `INSERT INTO analytics.purchases (purchase_id, customer_id, occurred_at, channel, total_base, refunded_base)
     SELECT md5('p' || g)::uuid, md5('c' || (g % $2))::uuid,
            now() - (g / $2) * interval '7 days' - (g % 97) * interval '1 minute', 'web', 100,
            CASE WHEN g % 50 = 0 THEN 100 ELSE 0 END
       FROM generate_series(1, $1) AS g`,
    [baskets, customers],
  );
  await db.query(
    `INSERT INTO analytics.purchase_lines (purchase_id, line_no, sku, category, quantity, line_total_base)
     SELECT md5('p' || g)::uuid, l,
            'SKU-' || lpad((CASE WHEN (hashtext(g::text) & 7) = 0
                                 THEN (hashtext(g::text || 'f') & 2147483647) % 500
                                 ELSE (hashtext((g % $2)::text) & 2147483647) % 500 END * 40
                            + (hashtext(g::text || '-' || l) & 2147483647) % 40)::text, 5, '0'),
            'tea', 1, 25
       FROM generate_series(1, $1) AS g
      CROSS JOIN LATERAL generate_series(0, hashtext(g::text || 'n') & 3) AS l`,
    [baskets, customers],
  );
  await db.query('ANALYZE analytics.purchases');
  await db.query('ANALYZE analytics.purchase_lines');
  return (performance.now() - started) / 1000;
}

function main(): void {
  const args = benchArgs(USAGE, {
    baskets: int(1_000_000, { min: 8 }),
    requests: int(50),
    profile: profile(),
  });
  benchOnStack(
    'recommendations',
    {
      heading: `recommendations benchmark: ${args.baskets} baskets, ${args.requests} requests`,
      profile: args.profile,
      // no scheduled build in the way of the measured one
      serviceEnv: { ...UNTHROTTLED, ANALYTICS_RECOMMENDATIONS_INTERVAL_MS: '0' },
    },
    async ({ db, gatewayUrl }) => {
      const token = await demoUserToken(gatewayUrl, 'analyst');
      const headers = { authorization: `Bearer ${token}` };
      const seconds = await load(db, args.baskets);
      const [lines] = (await db.query(`SELECT count(*)::int AS n FROM analytics.purchase_lines`)).rows;
      console.log(`loaded ${args.baskets} purchases (${lines.n} lines) in ${seconds.toFixed(1)} s`);

      // The bound: the bare co-occurrence count, every SKU pair of every purchase (no refund rule, no ranking).
      const bareStart = performance.now();
      const [bare] = (
        await db.query(
          `SELECT count(*)::int AS pairs FROM (
             SELECT a.sku, b.sku, count(*) FROM analytics.purchase_lines a
             JOIN analytics.purchase_lines b ON b.purchase_id = a.purchase_id AND a.sku < b.sku
             GROUP BY a.sku, b.sku) AS x`,
        )
      ).rows;
      const bareSeconds = (performance.now() - bareStart) / 1000;

      const buildStart = performance.now();
      const posted = await fetch(`${gatewayUrl}/api/v1/analytics/recommendations/builds`, { method: 'POST', headers });
      if (posted.status !== 201 && posted.status !== 202) throw new Error(`the build answered ${posted.status}`);
      const { buildId } = (await posted.json()) as { buildId: string };
      let evaluation: Record<string, unknown> = {};
      for (;;) {
        const answer = await fetch(`${gatewayUrl}/api/v1/analytics/recommendations/evaluation`, { headers });
        if (answer.status === 200) {
          evaluation = (await answer.json()) as Record<string, unknown>;
          if (evaluation['buildId'] === buildId) break;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const buildSeconds = (performance.now() - buildStart) / 1000;
      // How long each step took, as the build recorded it (the 202 answer came before they were known).
      const [{ timings: steps }] = (
        await db.query(`SELECT timings FROM analytics.recommendation_builds WHERE id = $1`, [buildId])
      ).rows as Array<{ timings: Record<string, number> }>;

      const customers = Math.max(1, Math.floor(args.baskets / 4));
      const ids: string[] = (
        await db.query(`SELECT md5('c' || ((i * 7919) % $1))::uuid AS id FROM generate_series(0, $2 - 1) i`, [
          customers,
          args.requests,
        ])
      ).rows.map((row: { id: string }) => row.id);
      const times = await timedRuns(
        async (i) => {
          const answer = await fetch(`${gatewayUrl}/api/v1/analytics/customers/${ids[i]}/recommendations?k=10`, {
            headers,
          });
          if (answer.status !== 200) throw new Error(`recommendations answered ${answer.status}`);
          await answer.json();
        },
        { requests: args.requests },
      );

      const figures = {
        baskets: args.baskets,
        lines: lines.n,
        loadSeconds: round(seconds),
        bareCountSeconds: round(bareSeconds),
        barePairs: bare.pairs,
        buildSeconds: round(buildSeconds),
        buildOverBare: ratio(buildSeconds, bareSeconds),
        buildStepsSeconds: Object.fromEntries(Object.entries(steps).map(([step, ms]) => [step, round(ms / 1000)])),
        evaluation: {
          k: evaluation['k'],
          customersEvaluated: evaluation['customersEvaluated'],
          model: evaluation['model'],
          baseline: evaluation['baseline'],
        },
        recommendations: latency(times),
      };
      console.log(`  bare SQL co-occurrence count      ${figures.bareCountSeconds} s (${bare.pairs} SKU pairs)`);
      console.log(
        `  model build + evaluation (API)    ${figures.buildSeconds} s; / bare count: ${figures.buildOverBare}`,
      );
      console.log(`  of which (s)                      ${JSON.stringify(figures.buildStepsSeconds)}`);
      console.log(`  evaluation                        ${JSON.stringify(figures.evaluation)}`);
      console.log(
        `  a customer's recommendations      p50 ${figures.recommendations.p50} ms, p95 ${figures.recommendations.p95} ms`,
      );
      return figures;
    },
  );
}

main();
