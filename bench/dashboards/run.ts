// Dashboards benchmark: the executive, manager and agent views and a 6-month KPI series through the
// gateway, with analytics' read models filled for N customers (default 1 000 000) on a fresh local stack.
// The facts are inserted set-based in SQL, shaped as the consumers write them: per customer an owner, a
// team and a lifecycle stage; 3 purchases, 2 contacts, ½ follow-up, ⅓ ticket, 2 points movements per
// customer over two years, and a current CLV model. The bound measured in the same run is the bare SQL
// pass that every view must at least make: one aggregate over the last month's purchases.
//
//   npm run bench:dashboards -- --customers 1000000 --requests 40
//
// Human-readable lines go to stdout, ending with one line of JSON holding every figure.
import { performance } from 'node:perf_hooks';
import { demoUserToken } from '@rapport/stack';
import type { KpiValuesView } from '@rapport/contracts';
import type { Client } from 'pg';
import { benchOnStack, UNTHROTTLED } from '../lib/harness';
import { benchArgs, int, profile } from '../lib/cli';
import { latency, percentile, ratio, round, timedRuns } from '../lib/stats';

const USAGE = `usage: npm run bench:dashboards -- [--customers N] [--requests R] [--profile P]
  --customers N  customers whose read models are loaded, at least 1000 (default 1000000)
  --requests R   requests measured per view (default 40)
  --profile P    the stack profile to start (default bench)`;

/** The goal of issue 16: dashboards within 300 ms at p95 with 1M customers. */
const GOAL_MS = 300;
const TEAMS = 20;
const AGENTS = 1000;

// A customer id and its owner and team, from its number n (1..N): agent1 (team north) owns every
// 1000th customer, team north holds one customer in 20, as do the 19 other teams.
const CUSTOMER = (n: string) => `md5('c' || ${n})::uuid`;
const TEAM = (n: string) => `CASE WHEN ${n} % ${TEAMS} = 0 THEN 'north' ELSE 'team' || (${n} % ${TEAMS}) END`;
const TEAM_OF_CUSTOMER = (n: string) => `CASE WHEN ${n} % 1000 = 0 THEN 'north' ELSE ${TEAM(n)} END`;
const OWNER = (n: string) => `CASE WHEN ${n} % 1000 = 0 THEN 'agent1' ELSE 'agent' || (${n} % ${AGENTS}) END`;

/** The read models, set-based, in the order the consumers would fill them. */
function loadStatements(customers: number): Array<[string, string]> {
  const c = customers;
  const at = (g: string, days = 730) =>
    `now() - (${g} % ${days}) * interval '1 day' - (${g} % 86400) * interval '1 second'`;
  const customerOf = (g: string) => CUSTOMER(`(1 + ${g} % ${c})`);
  return [
    [
      'customers',
      `INSERT INTO analytics.customer_facts
         (customer_id, kind, source_channel, created_at, owner_id, team, owner_changed_at, lifecycle_stage, lifecycle_changed_at)
       SELECT ${CUSTOMER('g')}, 'person', 'store', ${at('g')}, ${OWNER('g')}, ${TEAM_OF_CUSTOMER('g')}, ${at('g')},
              CASE g % 17 WHEN 0 THEN 'at_risk' WHEN 1 THEN 'churned' WHEN 2 THEN 'prospect' ELSE 'active' END,
              ${at('g')} + interval '1 day'
       FROM generate_series(1, ${c}) AS g`,
    ],
    [
      'lifecycle moves',
      `INSERT INTO analytics.lifecycle_changes (customer_id, from_stage, to_stage, changed_at, owner_id, team)
       SELECT customer_id, 'prospect', lifecycle_stage, lifecycle_changed_at, owner_id, team
       FROM analytics.customer_facts WHERE lifecycle_stage <> 'prospect'`,
    ],
    [
      'purchases',
      `INSERT INTO analytics.purchases (purchase_id, customer_id, occurred_at, channel, total_base, refunded_base)
       SELECT md5('p' || g)::uuid, ${customerOf('g * 7')}, ${at('g')}, 'web', 10 + g % 500,
              CASE WHEN g % 30 = 0 THEN 5 ELSE 0 END
       FROM generate_series(1, ${3 * c}) AS g`,
    ],
    [
      'purchase sums (rfm)',
      `INSERT INTO analytics.customer_value_facts
         (customer_id, first_purchase_at, last_purchase_at, purchase_count, monetary, refunded)
       SELECT customer_id, min(occurred_at), max(occurred_at), count(*), sum(total_base), sum(refunded_base)
       FROM analytics.purchases GROUP BY customer_id`,
    ],
    [
      'refunds',
      `INSERT INTO analytics.purchase_refunds (refund_id, purchase_id, customer_id, amount_base, occurred_at)
       SELECT md5('r' || purchase_id)::uuid, purchase_id, customer_id, refunded_base, occurred_at + interval '3 days'
       FROM analytics.purchases WHERE refunded_base > 0`,
    ],
    [
      'interactions',
      `INSERT INTO analytics.interaction_facts (interaction_id, customer_id, agent, channel, direction, occurred_at)
       SELECT md5('i' || g)::uuid, ${customerOf('g')}, CASE WHEN g % ${AGENTS} = 0 THEN 'agent1' ELSE 'agent' || (g % ${AGENTS}) END,
              'phone', 'outbound', ${at('g')}
       FROM generate_series(1, ${2 * c}) AS g`,
    ],
    [
      'follow-ups',
      `INSERT INTO analytics.follow_up_facts
         (follow_up_id, customer_id, assignee, team, channel, created_at, original_due_at, due_at, overdue_at, completed_at)
       SELECT md5('f' || g)::uuid, ${customerOf('g')}, ${OWNER('g')}, ${TEAM_OF_CUSTOMER('g')}, 'phone',
              due - interval '2 days', due, due, CASE WHEN h % 5 = 4 THEN due END,
              CASE WHEN h % 5 < 3 THEN due - interval '1 hour' WHEN h % 5 = 3 THEN due + interval '1 day' END
       FROM (SELECT g, abs(hashtext('f' || g)) AS h,
                    now() + interval '30 days' - (g % 760) * interval '1 day' - (g % 86400) * interval '1 second' AS due
             FROM generate_series(1, ${Math.floor(c / 2)}) AS g) s`,
    ],
    [
      'tickets',
      `INSERT INTO analytics.ticket_facts
         (ticket_id, customer_id, type, priority, team, queue, assignee, status, open, received_at,
          first_response_at, resolved_at, resolved_by, first_response_due, resolution_due,
          first_response_breached, resolution_breached)
       SELECT md5('t' || g)::uuid, ${customerOf('g')}, CASE WHEN g % 3 = 0 THEN 'complaint' ELSE 'inquiry' END, 'normal',
              ${TEAM_OF_CUSTOMER('g')}, 'general', ${OWNER('g')},
              CASE WHEN h % 10 = 0 THEN 'investigating' ELSE 'resolved' END, h % 10 = 0, received,
              received + (g % 240) * interval '1 minute',
              CASE WHEN h % 10 <> 0 THEN received + (g % 72) * interval '1 hour' END,
              CASE WHEN h % 10 <> 0 THEN ${OWNER('g')} END,
              received + interval '2 hours', received + interval '3 days', h % 11 = 0, h % 13 = 0
       FROM (SELECT g, abs(hashtext('t' || g)) AS h, ${at('g')} AS received
             FROM generate_series(1, ${Math.floor(c / 3)}) AS g) s`,
    ],
    [
      'ratings',
      `INSERT INTO analytics.csat_ratings (ticket_id, resolution, customer_id, rating, team, assignee, submitted_at)
       SELECT ticket_id, 1, customer_id, 1 + abs(hashtext(ticket_id::text)) % 5, team, resolved_by, resolved_at + interval '1 day'
       FROM analytics.ticket_facts WHERE resolved_at IS NOT NULL AND abs(hashtext(ticket_id::text)) % 4 = 0`,
    ],
    [
      'survey answers',
      `INSERT INTO analytics.survey_scores (invitation_id, question_id, survey_id, customer_id, kind, value, responded_at)
       SELECT md5('s' || g)::uuid, q.id, md5('survey')::uuid, ${customerOf('g * 3')}, q.kind,
              CASE WHEN q.kind = 'nps' THEN g % 11 ELSE 1 + g % 5 END, ${at('g')}
       FROM generate_series(1, ${Math.floor(c / 5)}) AS g,
            (VALUES ('q1', 'nps'), ('q2', 'csat')) AS q(id, kind)`,
    ],
    [
      'points movements',
      `INSERT INTO analytics.points_movements (movement_id, customer_id, kind, points, occurred_at)
       SELECT md5('m' || g)::uuid, ${customerOf('g')},
              CASE WHEN g % 10 < 7 THEN 'earned' WHEN g % 10 < 9 THEN 'redeemed' ELSE 'expired' END, 10 + g % 200, ${at('g')}
       FROM generate_series(1, ${2 * c}) AS g`,
    ],
    [
      'scores',
      `INSERT INTO analytics.customer_scores
         (customer_id, recency, frequency, monetary, value_tier, recency_days, purchase_count, monetary_value,
          last_purchase_at, cuts, computed_at)
       SELECT ${CUSTOMER('g')}, 1 + g % 5, 1 + g % 5, 1 + g % 5,
              CASE WHEN g % 10 < 2 THEN 'A' WHEN g % 10 < 5 THEN 'B' ELSE 'C' END,
              g % 365, 1 + g % 6, g % 3000, now() - (g % 365) * interval '1 day', '{}'::jsonb, now()
       FROM generate_series(1, ${Math.floor((c * 6) / 10)}) AS g`,
    ],
    [
      // a current CLV model (CDNOW's parameters), so that every KPI set includes the lifetime value total
      'CLV model',
      `INSERT INTO analytics.clv_fits (id, status, requested_at, finished_at, calibration_end, bgnbd, gamma_gamma)
       VALUES (md5('clv')::uuid, 'succeeded', now(), now(), now(),
               '{"r": 0.2426, "alpha": 4.4135, "a": 0.7929, "b": 2.4258, "logLikelihood": 0, "starts": []}',
               '{"p": 6.25, "q": 3.74, "gamma": 15.44, "logLikelihood": 0, "starts": []}')`,
    ],
  ];
}

async function load(db: Client, customers: number): Promise<number> {
  const started = performance.now();
  for (const [what, sql] of loadStatements(customers)) {
    const t0 = performance.now();
    await db.query(sql);
    process.stderr.write(`loaded ${what} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  await db.query('VACUUM ANALYZE');
  return (performance.now() - started) / 1000;
}

function main(): void {
  const args = benchArgs(USAGE, { customers: int(1_000_000, { min: 1000 }), requests: int(40), profile: profile() });
  benchOnStack(
    'dashboards',
    {
      heading: `dashboards benchmark: ${args.customers} customers, ${args.requests} requests per view`,
      profile: args.profile,
      serviceEnv: UNTHROTTLED,
    },
    async ({ db, gatewayUrl }) => {
      const seconds = await load(db, args.customers);
      console.log(`loaded the read models of ${args.customers} customers in ${seconds.toFixed(1)} s`);
      const tokens = {
        exec: await demoUserToken(gatewayUrl, 'exec'),
        manager: await demoUserToken(gatewayUrl, 'manager'),
        agent1: await demoUserToken(gatewayUrl, 'agent1'),
      };
      const timed = (run: () => Promise<void>) => timedRuns(run, { requests: args.requests, warmUp: 3 });
      // a view slower than the gateway's upstream timeout answers 504: counted (its time is the timeout's), not fatal
      const timeouts: Record<string, number> = {};
      const view = (path: string, token: string, check: (body: Record<string, unknown>) => boolean) => async () => {
        const response = await fetch(`${gatewayUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
        if (response.status === 504) {
          timeouts[path] = (timeouts[path] ?? 0) + 1;
          return;
        }
        if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
        if (!check((await response.json()) as Record<string, unknown>)) throw new Error(`${path} came back empty`);
      };
      const views = {
        executive: await timed(
          view(
            '/api/v1/analytics/dashboards/executive',
            tokens.exec,
            (b) =>
              (b['tierMix'] as { A: number }).A > 0 &&
              (b['kpis'] as { current: { kpis: KpiValuesView } }).current.kpis.customerLifetimeValue !== null,
          ),
        ),
        manager: await timed(
          view('/api/v1/analytics/dashboards/manager', tokens.manager, (b) => (b['agents'] as unknown[]).length > 0),
        ),
        agent: await timed(
          view(
            '/api/v1/analytics/dashboards/agent',
            tokens.agent1,
            (b) => (b['overdueFollowUps'] as unknown[]).length + (b['openTickets'] as unknown[]).length > 0,
          ),
        ),
        kpis6Months: await timed(
          view('/api/v1/analytics/kpis?interval=month', tokens.exec, (b) => (b['intervals'] as unknown[]).length === 6),
        ),
      };
      const bare = await timed(async () => {
        await db.query(
          `SELECT count(*), count(DISTINCT customer_id), sum(total_base) FROM analytics.purchases
           WHERE occurred_at >= now() - interval '1 month'`,
        );
      });
      const bareP95 = percentile(bare, 95);
      const figures = {
        customers: args.customers,
        loadSeconds: round(seconds),
        bareSql: latency(bare),
        goalMs: GOAL_MS,
        gatewayTimeouts: timeouts,
        views: Object.fromEntries(
          Object.entries(views).map(([name, times]) => [
            name,
            {
              ...latency(times),
              p95OverGoal: ratio(percentile(times, 95), GOAL_MS),
              p95OverBare: ratio(percentile(times, 95), bareP95),
            },
          ]),
        ),
      };
      for (const [name, f] of Object.entries(figures.views))
        console.log(
          `  ${name.padEnd(12)} p50 ${f.p50} ms, p95 ${f.p95} ms; p95 / ${GOAL_MS} ms goal: ${f.p95OverGoal}; p95 / bare p95: ${f.p95OverBare}`,
        );
      if (Object.keys(timeouts).length > 0)
        console.log(`  answered 504 (gateway timeout): ${JSON.stringify(timeouts)}`);
      console.log(
        `  bare SQL (a month of purchases, one aggregate)  p50 ${figures.bareSql.p50} ms, p95 ${figures.bareSql.p95} ms`,
      );
      return figures;
    },
  );
}

main();
