import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DAYS_PER_WEEK, type ClvGroup } from '../clv/clv.model';
import { PURCHASE_DAY_SQL } from '../purchase-ledger/purchase-ledger.repository';
import type { RowFilter } from './kpis.access';
import type { KpiFacts } from './kpi-definitions';

export interface Bucket {
  start: Date;
  end: Date;
}

type Params = unknown[];

/**
 * The KPIs' counts per interval, one set-based query per family of facts over all intervals at once
 * (the intervals travel as two arrays and are joined by range, so each query walks the time index of
 * its table once). Running totals (customers at the start, the points balance) are a count before the
 * first interval plus the per-interval changes.
 *
 * A buyer bought before an interval when their first purchase (the rfm feature's customer_value_facts,
 * kept in the same transaction as the ledger) is earlier than its start: one join by key instead of a
 * probe into the ledger per buyer.
 *
 * Row level: `customerScope` narrows facts about customers to the team's customers (their team now) or
 * the agent's (their owner now); follow-ups and tickets carry their own team and assignee.
 */
@Injectable()
export class KpisRepository {
  constructor(private readonly dataSource: DataSource) {}

  async facts(buckets: Bucket[], filter: RowFilter, now: Date): Promise<Array<Omit<KpiFacts, 'lifetimeValue'>>> {
    const starts = buckets.map((b) => b.start.toISOString());
    const ends = buckets.map((b) => b.end.toISOString());
    const first = starts[0]!;
    const base: Params = [starts, ends];
    const scopeValue = filter.agent ?? filter.team;
    const withScope: Params = scopeValue === null ? base : [...base, scopeValue];
    const customers = customerScope(filter, '$3');
    const BUCKETS = `unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS b(s, e, i)`;
    const q = (sql: string, params: Params) => this.dataSource.query(sql, params);

    const [
      created,
      before,
      churn,
      churnBefore,
      purchases,
      refunds,
      nps,
      csat,
      tickets,
      followUps,
      points,
      pointsBefore,
    ] = await Promise.all([
      q(
        `SELECT b.i, count(f.customer_id)::int AS n FROM ${BUCKETS}
           LEFT JOIN analytics.customer_facts f ON f.created_at >= b.s AND f.created_at < b.e ${customers('f')}
           GROUP BY b.i`,
        withScope,
      ),
      q(
        `SELECT count(*)::int AS n FROM analytics.customer_facts f WHERE f.created_at < $1 ${customers('f', '$2')}`,
        scopeValue === null ? [first] : [first, scopeValue],
      ),
      q(
        `SELECT b.i, count(*) FILTER (WHERE l.to_stage = 'churned')::int AS into,
                  count(*) FILTER (WHERE l.from_stage = 'churned' AND l.to_stage <> 'churned')::int AS out_of
           FROM ${BUCKETS}
           JOIN analytics.lifecycle_changes l ON l.changed_at >= b.s AND l.changed_at < b.e ${customers('l')}
           GROUP BY b.i`,
        withScope,
      ),
      q(
        `SELECT count(*) FILTER (WHERE l.to_stage = 'churned')::int
                  - count(*) FILTER (WHERE l.from_stage = 'churned' AND l.to_stage <> 'churned')::int AS n
           FROM analytics.lifecycle_changes l WHERE l.changed_at < $1 ${customers('l', '$2')}`,
        scopeValue === null ? [first] : [first, scopeValue],
      ),
      q(
        `WITH x AS (
             SELECT b.i, b.s, p.customer_id, count(*) AS n, sum(p.total_base) AS gross
             FROM ${BUCKETS}
             JOIN analytics.purchases p ON p.occurred_at >= b.s AND p.occurred_at < b.e ${customers('p')}
             GROUP BY b.i, b.s, p.customer_id)
           SELECT x.i, count(*)::int AS buyers, sum(x.n)::int AS orders, sum(x.gross)::float8 AS gross,
                  count(*) FILTER (WHERE x.n >= 2 OR v.first_purchase_at < x.s)::int AS repeat_buyers
           FROM x LEFT JOIN analytics.customer_value_facts v ON v.customer_id = x.customer_id
           GROUP BY x.i`,
        withScope,
      ),
      q(
        `SELECT b.i, sum(r.amount_base)::float8 AS refunds FROM ${BUCKETS}
           JOIN analytics.purchase_refunds r ON r.occurred_at >= b.s AND r.occurred_at < b.e ${customers('r')}
           GROUP BY b.i`,
        withScope,
      ),
      q(
        `SELECT b.i, count(*)::int AS answers, count(*) FILTER (WHERE s.value >= 9)::int AS promoters,
                  count(*) FILTER (WHERE s.value <= 6)::int AS detractors
           FROM ${BUCKETS}
           JOIN analytics.survey_scores s ON s.kind = 'nps' AND s.responded_at >= b.s AND s.responded_at < b.e
             ${customers('s')}
           GROUP BY b.i`,
        withScope,
      ),
      q(
        `SELECT i, count(*)::int AS ratings, count(*) FILTER (WHERE rating >= 4)::int AS satisfied FROM (
             SELECT b.i, r.rating FROM ${BUCKETS}
             JOIN analytics.csat_ratings r ON r.submitted_at >= b.s AND r.submitted_at < b.e
               ${filter.agent !== null ? 'AND r.assignee = $3' : filter.team !== null ? 'AND r.team = $3' : ''}
             UNION ALL
             SELECT b.i, s.value FROM ${BUCKETS}
             JOIN analytics.survey_scores s ON s.kind = 'csat' AND s.responded_at >= b.s AND s.responded_at < b.e
               ${customers('s')}
           ) ratings GROUP BY i`,
        withScope,
      ),
      q(
        `SELECT b.i,
                  count(*) FILTER (WHERE NOT (t.first_response_breached OR t.resolution_breached)
                                   AND t.resolved_at IS NOT NULL)::int AS met,
                  count(*) FILTER (WHERE t.first_response_breached OR t.resolution_breached)::int AS breached,
                  coalesce(array_agg(extract(epoch FROM t.first_response_at - t.received_at) / 60)
                    FILTER (WHERE t.first_response_at IS NOT NULL), '{}')::float8[] AS first_response
           FROM ${BUCKETS}
           JOIN analytics.ticket_facts t ON t.received_at >= b.s AND t.received_at < b.e
             ${filter.agent !== null ? 'AND t.assignee = $3' : filter.team !== null ? 'AND t.team = $3' : ''}
           GROUP BY b.i`,
        withScope,
      ),
      q(
        `SELECT b.i, count(*)::int AS due, count(*) FILTER (WHERE f.completed_at <= f.due_at)::int AS on_time
           FROM ${BUCKETS}
           JOIN analytics.follow_up_facts f ON f.due_at >= b.s AND f.due_at < b.e AND f.due_at <= $${withScope.length + 1}
             ${filter.agent !== null ? 'AND f.assignee = $3' : filter.team !== null ? 'AND f.team = $3' : ''}
           GROUP BY b.i`,
        [...withScope, now.toISOString()],
      ),
      q(
        `SELECT b.i,
                  coalesce(sum(m.points) FILTER (WHERE m.kind = 'earned'), 0)::float8 AS earned,
                  coalesce(sum(m.points) FILTER (WHERE m.kind = 'redeemed'), 0)::float8 AS redeemed,
                  coalesce(sum(CASE WHEN m.kind = 'earned' THEN m.points ELSE -m.points END), 0)::float8 AS net
           FROM ${BUCKETS}
           JOIN analytics.points_movements m ON m.occurred_at >= b.s AND m.occurred_at < b.e ${customers('m')}
           GROUP BY b.i`,
        withScope,
      ),
      q(
        `SELECT coalesce(sum(CASE WHEN m.kind = 'earned' THEN m.points ELSE -m.points END), 0)::float8 AS n
           FROM analytics.points_movements m WHERE m.occurred_at < $1 ${customers('m', '$2')}`,
        scopeValue === null ? [first] : [first, scopeValue],
      ),
    ]);

    const byBucket = <T>(rows: Array<{ i: string | number } & T>) =>
      new Map(rows.map((r) => [Number(r.i), r] as const));
    const [c, ch, p, r, n, cs, t, f, pt] = [
      byBucket<{ n: number }>(created),
      byBucket<{ into: number; out_of: number }>(churn),
      byBucket<{ buyers: number; orders: number; gross: number; repeat_buyers: number }>(purchases),
      byBucket<{ refunds: number }>(refunds),
      byBucket<{ answers: number; promoters: number; detractors: number }>(nps),
      byBucket<{ ratings: number; satisfied: number }>(csat),
      byBucket<{ met: number; breached: number; first_response: number[] }>(tickets),
      byBucket<{ due: number; on_time: number }>(followUps),
      byBucket<{ earned: number; redeemed: number; net: number }>(points),
    ];

    let customersAtStart: number = before[0].n;
    let churnedAtStart: number = churnBefore[0].n;
    let balance: number = pointsBefore[0].n;
    return buckets.map((_, index) => {
      const i = index + 1;
      const movesIntoChurned = ch.get(i)?.into ?? 0;
      balance += pt.get(i)?.net ?? 0;
      const facts: Omit<KpiFacts, 'lifetimeValue'> = {
        customersCreated: c.get(i)?.n ?? 0,
        customersAtStart,
        churnedAtStart,
        customersChurned: movesIntoChurned,
        buyers: p.get(i)?.buyers ?? 0,
        repeatBuyers: p.get(i)?.repeat_buyers ?? 0,
        orders: p.get(i)?.orders ?? 0,
        grossRevenue: p.get(i)?.gross ?? 0,
        refunds: r.get(i)?.refunds ?? 0,
        npsAnswers: n.get(i)?.answers ?? 0,
        npsPromoters: n.get(i)?.promoters ?? 0,
        npsDetractors: n.get(i)?.detractors ?? 0,
        csatRatings: cs.get(i)?.ratings ?? 0,
        csatSatisfied: cs.get(i)?.satisfied ?? 0,
        slaMet: t.get(i)?.met ?? 0,
        slaBreached: t.get(i)?.breached ?? 0,
        firstResponseMinutes: t.get(i)?.first_response ?? [],
        followUpsDue: f.get(i)?.due ?? 0,
        followUpsOnTime: f.get(i)?.on_time ?? 0,
        pointsEarned: pt.get(i)?.earned ?? 0,
        pointsRedeemed: pt.get(i)?.redeemed ?? 0,
        pointsBalanceAtEnd: balance,
      };
      customersAtStart += facts.customersCreated;
      churnedAtStart += movesIntoChurned - (ch.get(i)?.out_of ?? 0);
      return facts;
    });
  }

  /**
   * The lifetime value model's inputs as of each instant (a bucket's end, at most `now`), collapsed:
   * per instant, the filter's customers with a purchase before it grouped by (x, t_x, T), the papers'
   * preparation as the CLV fit does it (one transaction per UTC day, its value the day's purchases net
   * of refunds; x repeat days, t_x and T in weeks to the instant's UTC day), with the count and sum of
   * positive repeat means. One pass over the ledger's purchase days: each carries the customer's
   * figures with it, and stands for the instants from its first purchase to the next day's.
   */
  async lifetimeValueGroups(ends: Date[], filter: RowFilter, now: Date): Promise<ClvGroup[][]> {
    const instants = ends.map((e) => new Date(Math.min(e.getTime(), now.getTime())).toISOString());
    const scopeValue = filter.agent ?? filter.team;
    const customers = customerScope(filter, '$3');
    const rows: Array<Record<string, number>> = await this.dataSource.transaction(async (manager) => {
      // the grouping sorts a row per customer and instant: in memory, not on disk
      await manager.query(`SET LOCAL work_mem = '64MB'`);
      return manager.query(
        `WITH b AS (
           SELECT i, e, floor(date_part('epoch', e) / 86400)::int AS e_day
           FROM unnest($1::timestamptz[]) WITH ORDINALITY AS b(e, i)
         ), d AS (
           SELECT p.customer_id, ${PURCHASE_DAY_SQL} AS day,
                  min(p.occurred_at) AS first_at, sum((p.total_base - p.refunded_base)::float8) AS net
           FROM analytics.purchases p WHERE p.occurred_at < $2 ${customers('p')}
           GROUP BY 1, 2
         ), s AS (
           SELECT first_at, lead(first_at) OVER w AS next_at, day, first_value(day) OVER w AS first_day,
                  row_number() OVER w - 1 AS x, sum(net) OVER w - first_value(net) OVER w AS repeat_value
           FROM d WINDOW w AS (PARTITION BY customer_id ORDER BY day)
         )
         SELECT b.i, s.x::int AS x, s.day - s.first_day AS tx_days, b.e_day - s.first_day AS t_days,
                count(*)::int AS customers,
                count(*) FILTER (WHERE s.x > 0 AND s.repeat_value > 0)::int AS spenders,
                coalesce(sum(s.repeat_value / s.x) FILTER (WHERE s.x > 0 AND s.repeat_value > 0), 0) AS spend_sum
         FROM b JOIN s ON s.first_at < b.e AND (s.next_at IS NULL OR s.next_at >= b.e)
         GROUP BY 1, 2, 3, 4`,
        [instants, instants.reduce((a, b) => (a > b ? a : b)), ...(scopeValue === null ? [] : [scopeValue])],
      );
    });
    const groups: ClvGroup[][] = ends.map(() => []);
    for (const r of rows)
      groups[Number(r['i']) - 1]!.push({
        frequency: Number(r['x']),
        recency: Number(r['tx_days']) / DAYS_PER_WEEK,
        T: Number(r['t_days']) / DAYS_PER_WEEK,
        customers: Number(r['customers']),
        spenders: Number(r['spenders']),
        spendSum: Number(r['spend_sum']),
      });
    return groups;
  }

  /** Customers per value tier now (the RFM scores). */
  async tierMix(): Promise<{ A: number; B: number; C: number }> {
    const rows: Array<{ value_tier: 'A' | 'B' | 'C'; n: number }> = await this.dataSource.query(
      `SELECT value_tier, count(*)::int AS n FROM analytics.customer_scores GROUP BY value_tier`,
    );
    const mix = { A: 0, B: 0, C: 0 };
    for (const row of rows) mix[row.value_tier] = row.n;
    return mix;
  }
}

/**
 * The condition that keeps the facts of the filter's customers: a team's (their team now) or an
 * agent's (they own them now); nothing for every customer. `param` is the placeholder of the value.
 */
function customerScope(filter: RowFilter, defaultParam: string) {
  return (alias: string, param = defaultParam): string => {
    if (filter.agent !== null)
      return `AND EXISTS (SELECT 1 FROM analytics.customer_facts cf WHERE cf.customer_id = ${alias}.customer_id AND cf.owner_id = ${param})`;
    if (filter.team !== null)
      return `AND EXISTS (SELECT 1 FROM analytics.customer_facts cf WHERE cf.customer_id = ${alias}.customer_id AND cf.team = ${param})`;
    return '';
  };
}
