import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface AgentFigures {
  agent: string;
  followUpsDue: number;
  followUpsDoneOnTime: number;
  interactions: number;
  conversions: number;
  ticketsResolved: number;
  ticketsResolvedWithinSla: number;
  csatRatings: number;
  csatSatisfied: number;
}

export interface AtRiskOwner {
  ownerId: string | null;
  customers: number;
  customerIds: string[];
}

export interface WorklistFollowUp {
  followUpId: string;
  customerId: string | null;
  channel: string;
  dueAt: string;
}

export interface WorklistTicket {
  ticketId: string;
  customerId: string | null;
  type: string;
  priority: string;
  status: string;
  receivedAt: string;
  dueAt: string | null;
  breached: boolean;
}

/** The most rows of each worklist section. */
export const WORKLIST_LIMIT = 100;
/** How far ahead "due" follow-ups reach. */
export const DUE_AHEAD_MS = 7 * 86_400_000;

/** The dashboards' reads of the activity facts: customer ids and figures, never a customer's name. */
@Injectable()
export class DashboardsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The counts behind the team's follow-up and SLA compliance over [from, to) (the KPIs' definitions:
   * follow-ups due in the window and past due, tickets received in it with a known SLA outcome), read
   * from the team's own rows only.
   */
  async teamCompliance(
    team: string,
    from: Date,
    to: Date,
    now: Date,
  ): Promise<{ followUpsDue: number; followUpsOnTime: number; slaMet: number; slaBreached: number }> {
    const [[followUps], [tickets]] = await Promise.all([
      this.dataSource.query(
        `SELECT count(*)::int AS due, count(*) FILTER (WHERE completed_at <= due_at)::int AS on_time
         FROM analytics.follow_up_facts WHERE team = $1 AND due_at >= $2 AND due_at < $3 AND due_at <= $4`,
        [team, from.toISOString(), to.toISOString(), now.toISOString()],
      ),
      this.dataSource.query(
        `SELECT count(*) FILTER (WHERE NOT (first_response_breached OR resolution_breached)
                                 AND resolved_at IS NOT NULL)::int AS met,
                count(*) FILTER (WHERE first_response_breached OR resolution_breached)::int AS breached
         FROM analytics.ticket_facts WHERE team = $1 AND received_at >= $2 AND received_at < $3`,
        [team, from.toISOString(), to.toISOString()],
      ),
    ]);
    return {
      followUpsDue: followUps.due,
      followUpsOnTime: followUps.on_time,
      slaMet: tickets.met,
      slaBreached: tickets.breached,
    };
  }

  /** The team's at-risk customers (stage at_risk now), grouped by owner, the owner with most first. */
  async atRiskByOwner(team: string): Promise<AtRiskOwner[]> {
    const rows: Array<{ owner_id: string | null; n: number; ids: string[] }> = await this.dataSource.query(
      `SELECT owner_id, count(*)::int AS n,
              (array_agg(customer_id ORDER BY lifecycle_changed_at, customer_id))[1:20]::text[] AS ids
       FROM analytics.customer_facts WHERE team = $1 AND lifecycle_stage = 'at_risk'
       GROUP BY owner_id ORDER BY n DESC, owner_id NULLS LAST`,
      [team],
    );
    return rows.map((r) => ({ ownerId: r.owner_id, customers: r.n, customerIds: r.ids }));
  }

  /**
   * One row per agent of the team over [from, to): the team's follow-ups assigned to them, the contacts
   * they logged, the prospects they owned that moved on, the team's tickets they resolved (within SLA:
   * no sla.breached) and the ratings of those. The agents are whoever appears in the team's facts of
   * the window or owns one of its customers.
   */
  async agentFigures(team: string, from: Date, to: Date, now: Date): Promise<AgentFigures[]> {
    const rows: Array<Record<string, string | number>> = await this.dataSource.query(
      `WITH
       f AS (SELECT assignee AS agent, count(*)::int AS due,
                    count(*) FILTER (WHERE completed_at <= due_at)::int AS on_time
             FROM analytics.follow_up_facts
             WHERE team = $1 AND due_at >= $2 AND due_at < $3 AND due_at <= $4 GROUP BY assignee),
       c AS (SELECT owner_id AS agent, count(*)::int AS conversions FROM analytics.lifecycle_changes
             WHERE team = $1 AND changed_at >= $2 AND changed_at < $3 AND owner_id IS NOT NULL
               AND from_stage = 'prospect' AND to_stage NOT IN ('prospect', 'churned')
             GROUP BY owner_id),
       t AS (SELECT resolved_by AS agent, count(*)::int AS resolved,
                    count(*) FILTER (WHERE NOT (first_response_breached OR resolution_breached))::int AS within_sla
             FROM analytics.ticket_facts
             WHERE team = $1 AND resolved_at >= $2 AND resolved_at < $3 AND resolved_by IS NOT NULL
             GROUP BY resolved_by),
       r AS (SELECT assignee AS agent, count(*)::int AS ratings, count(*) FILTER (WHERE rating >= 4)::int AS satisfied
             FROM analytics.csat_ratings
             WHERE team = $1 AND submitted_at >= $2 AND submitted_at < $3 AND assignee IS NOT NULL
             GROUP BY assignee),
       owners AS (SELECT DISTINCT owner_id AS agent FROM analytics.customer_facts WHERE team = $1 AND owner_id IS NOT NULL),
       agents AS (SELECT agent FROM f UNION SELECT agent FROM c UNION SELECT agent FROM t
                  UNION SELECT agent FROM r UNION SELECT agent FROM owners),
       i AS (SELECT x.agent, count(*)::int AS interactions FROM analytics.interaction_facts x
             JOIN agents a ON a.agent = x.agent
             WHERE x.occurred_at >= $2 AND x.occurred_at < $3 GROUP BY x.agent)
       SELECT a.agent, coalesce(f.due, 0) AS due, coalesce(f.on_time, 0) AS on_time,
              coalesce(i.interactions, 0) AS interactions, coalesce(c.conversions, 0) AS conversions,
              coalesce(t.resolved, 0) AS resolved, coalesce(t.within_sla, 0) AS within_sla,
              coalesce(r.ratings, 0) AS ratings, coalesce(r.satisfied, 0) AS satisfied
       FROM agents a
       LEFT JOIN f ON f.agent = a.agent LEFT JOIN c ON c.agent = a.agent LEFT JOIN t ON t.agent = a.agent
       LEFT JOIN r ON r.agent = a.agent LEFT JOIN i ON i.agent = a.agent
       ORDER BY a.agent`,
      [team, from.toISOString(), to.toISOString(), now.toISOString()],
    );
    return rows.map((r) => ({
      agent: String(r['agent']),
      followUpsDue: Number(r['due']),
      followUpsDoneOnTime: Number(r['on_time']),
      interactions: Number(r['interactions']),
      conversions: Number(r['conversions']),
      ticketsResolved: Number(r['resolved']),
      ticketsResolvedWithinSla: Number(r['within_sla']),
      csatRatings: Number(r['ratings']),
      csatSatisfied: Number(r['satisfied']),
    }));
  }

  /** Open follow-ups of the agent: past their due time (oldest first), or due within the next week (soonest first). */
  async openFollowUps(agent: string, now: Date): Promise<{ overdue: WorklistFollowUp[]; due: WorklistFollowUp[] }> {
    const select = `SELECT follow_up_id, customer_id, channel, due_at FROM analytics.follow_up_facts
                    WHERE assignee = $1 AND completed_at IS NULL`;
    const [overdue, due] = await Promise.all([
      this.dataSource.query(`${select} AND due_at < $2 ORDER BY due_at, follow_up_id LIMIT ${WORKLIST_LIMIT}`, [
        agent,
        now.toISOString(),
      ]),
      this.dataSource.query(
        `${select} AND due_at >= $2 AND due_at < $3 ORDER BY due_at, follow_up_id LIMIT ${WORKLIST_LIMIT}`,
        [agent, now.toISOString(), new Date(now.getTime() + DUE_AHEAD_MS).toISOString()],
      ),
    ]);
    const toFollowUp = (r: { follow_up_id: string; customer_id: string | null; channel: string; due_at: Date }) => ({
      followUpId: r.follow_up_id,
      customerId: r.customer_id,
      channel: r.channel,
      dueAt: r.due_at.toISOString(),
    });
    return { overdue: overdue.map(toFollowUp), due: due.map(toFollowUp) };
  }

  /** Customers the agent owns in the at-risk stage, longest at risk first. */
  async atRiskOwnedBy(agent: string): Promise<Array<{ customerId: string; since: string | null }>> {
    const rows: Array<{ customer_id: string; lifecycle_changed_at: Date | null }> = await this.dataSource.query(
      `SELECT customer_id, lifecycle_changed_at FROM analytics.customer_facts
       WHERE owner_id = $1 AND lifecycle_stage = 'at_risk'
       ORDER BY lifecycle_changed_at, customer_id LIMIT ${WORKLIST_LIMIT}`,
      [agent],
    );
    return rows.map((r) => ({ customerId: r.customer_id, since: r.lifecycle_changed_at?.toISOString() ?? null }));
  }

  /**
   * The agent's open tickets by their next SLA due time as service-desk announced it (the first
   * response's until it is answered, else the resolution's); tickets with no announced due time last,
   * oldest first.
   */
  async openTickets(agent: string): Promise<WorklistTicket[]> {
    const rows: Array<{
      ticket_id: string;
      customer_id: string | null;
      type: string;
      priority: string;
      status: string;
      received_at: Date;
      due: Date | null;
      breached: boolean;
    }> = await this.dataSource.query(
      `SELECT ticket_id, customer_id, type, priority, status, received_at, due,
              first_response_breached OR resolution_breached AS breached
       FROM (SELECT *, CASE WHEN first_response_at IS NULL
                            THEN LEAST(first_response_due, resolution_due) ELSE resolution_due END AS due
             FROM analytics.ticket_facts WHERE assignee = $1 AND open) t
       ORDER BY due NULLS LAST, received_at, ticket_id LIMIT ${WORKLIST_LIMIT}`,
      [agent],
    );
    return rows.map((r) => ({
      ticketId: r.ticket_id,
      customerId: r.customer_id,
      type: r.type,
      priority: r.priority,
      status: r.status,
      receivedAt: r.received_at.toISOString(),
      dueAt: r.due?.toISOString() ?? null,
      breached: r.breached,
    }));
  }
}
