import { Injectable } from '@nestjs/common';
import { OPEN_TICKET_STATUSES, type OpenTicketStatus, type TicketStatus } from '@rapport/contracts';
import { DataSource } from 'typeorm';
import type { SlaHold } from '../sla/sla-clock';
import { holdsOf, type HoldsJson } from '../sla/sla.repository';
import { SLA_FILTER_SQL, visibilitySql } from '../tickets/ticket-sql';
import type { TicketVisibility } from '../tickets/ticket-visibility';

/** The tickets a stats request counts: those the caller may see, of one team or all. */
export interface StatsScope {
  visibility: TicketVisibility;
  team: string | undefined;
}

export interface OpenCounts {
  total: number;
  byStatus: Record<OpenTicketStatus, number>;
  atRisk: number;
  breached: number;
  oldestReceivedAt: Date | null;
  medianAgeSeconds: number | null;
}

/** A ticket received in the window, with what its SLA clock needs (null: it has no SLA state). */
export interface CohortTicket {
  status: TicketStatus;
  receivedAt: Date;
  firstRepliedAt: Date | null;
  sla: {
    calendarId: string;
    holds: SlaHold[];
    firstResponseMinutes: number;
    resolutionMinutes: number;
  } | null;
}

export interface CsatCounts {
  responses: number;
  average: number | null;
  satisfied: number;
}

/** The only SQL of the team stats: reads of tickets, their SLA state and ratings (erased ones count, anonymously). */
@Injectable()
export class StatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The open backlog at `now`: by status, at risk, breached, and its age. */
  async open(scope: StatsScope, now: Date): Promise<OpenCounts> {
    const params: unknown[] = [now];
    const where = this.where(scope, params);
    // one row per status and one total (status null), by grouping sets
    const rows: Array<{
      status: OpenTicketStatus | null;
      n: number;
      at_risk: number;
      breached: number;
      oldest: Date | null;
      median_age: number | null;
    }> = await this.dataSource.query(
      `SELECT t.status, count(*)::int AS n,
              count(*) FILTER (WHERE ${SLA_FILTER_SQL['at-risk']})::int AS at_risk,
              count(*) FILTER (WHERE ${SLA_FILTER_SQL.breached})::int AS breached,
              min(t.received_at) AS oldest,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM $1::timestamptz - t.received_at)) AS median_age
         FROM service_desk.tickets t
        WHERE t.status NOT IN ('resolved', 'closed') AND ${where}
        GROUP BY GROUPING SETS ((t.status), ())`,
      params,
    );
    const byStatus = Object.fromEntries(OPEN_TICKET_STATUSES.map((s) => [s, 0])) as Record<OpenTicketStatus, number>;
    const total = rows.find((r) => r.status === null);
    for (const row of rows) if (row.status !== null) byStatus[row.status] = row.n;
    return {
      total: total?.n ?? 0,
      byStatus,
      atRisk: total?.at_risk ?? 0,
      breached: total?.breached ?? 0,
      oldestReceivedAt: total?.oldest ?? null,
      medianAgeSeconds: total?.median_age ?? null,
    };
  }

  /** The tickets received in [from, to). */
  async cohort(scope: StatsScope, from: Date, to: Date): Promise<CohortTicket[]> {
    const params: unknown[] = [from, to];
    const where = this.where(scope, params);
    const rows: Array<{
      status: TicketStatus;
      received_at: Date;
      first_replied_at: Date | null;
      calendar_id: string | null;
      holds: HoldsJson | null;
      first_response_minutes: number | null;
      resolution_minutes: number | null;
    }> = await this.dataSource.query(
      `SELECT t.status, t.received_at, t.first_replied_at,
              s.calendar_id, s.holds, s.first_response_minutes, s.resolution_minutes
         FROM service_desk.tickets t LEFT JOIN service_desk.ticket_sla s ON s.ticket_id = t.id
        WHERE t.received_at >= $1 AND t.received_at < $2 AND ${where}`,
      params,
    );
    return rows.map((row) => ({
      status: row.status,
      receivedAt: row.received_at,
      firstRepliedAt: row.first_replied_at,
      sla:
        row.calendar_id === null
          ? null
          : {
              calendarId: row.calendar_id,
              holds: holdsOf(row.holds ?? []),
              firstResponseMinutes: row.first_response_minutes!,
              resolutionMinutes: row.resolution_minutes!,
            },
    }));
  }

  /** The ratings submitted in [from, to). */
  async csat(scope: StatsScope, from: Date, to: Date): Promise<CsatCounts> {
    const params: unknown[] = [from, to];
    const where = this.where(scope, params);
    const [row]: Array<{ responses: number; average: number | null; satisfied: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS responses, avg(c.rating)::float8 AS average,
              count(*) FILTER (WHERE c.rating >= 4)::int AS satisfied
         FROM service_desk.ticket_csat c JOIN service_desk.tickets t ON t.id = c.ticket_id
        WHERE c.submitted_at >= $1 AND c.submitted_at < $2 AND ${where}`,
      params,
    );
    return { responses: row?.responses ?? 0, average: row?.average ?? null, satisfied: row?.satisfied ?? 0 };
  }

  private where(scope: StatsScope, params: unknown[]): string {
    const rules = [visibilitySql(scope.visibility, params)];
    if (scope.team !== undefined) {
      params.push(scope.team);
      rules.push(`t.team = $${params.length}`);
    }
    return rules.join(' AND ');
  }
}
