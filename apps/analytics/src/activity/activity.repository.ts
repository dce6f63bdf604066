import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface CustomerActivity {
  customerId: string;
  lastContactAt: string | null;
  openComplaints: number;
  lastSurveyScore: number | null;
  lastSurveyKind: string | null;
  lastSurveyAt: string | null;
}

export interface InteractionFact {
  interactionId: string;
  /** null: an erased customer's (CustomerKeys) */
  customerId: string | null;
  agent: string;
  channel: string;
  direction: string;
  occurredAt: string;
}

export interface FollowUpFact {
  followUpId: string;
  /** null: an erased customer's (CustomerKeys) */
  customerId: string | null;
  assignee: string;
  team: string | null;
  channel: string;
  dueAt: string;
}

export interface TicketOpened {
  ticketId: string;
  /** null: an erased customer's (CustomerKeys) */
  customerId: string | null;
  type: string;
  priority: string;
  team: string;
  queue: string;
  assignee: string | null;
  status: string;
  open: boolean;
  receivedAt: string;
}

export type SlaTarget = 'first-response' | 'resolution';
export type SurveyKind = 'nps' | 'csat' | 'rating';
export type PointsKind = 'earned' | 'redeemed' | 'expired' | 'reversed';

/** What the export shows of the customer's activity (ids and figures; never another customer's). */
export interface ActivityExport {
  activity: CustomerActivity | null;
  interactions: number;
  followUps: number;
  tickets: number;
  csatRatings: number;
  surveyScores: number;
  pointsMovements: number;
}

/** The tables holding a customer id; the facts are anonymised on erasure, the per-customer row deleted. */
const FACT_TABLES = [
  'interaction_facts',
  'follow_up_facts',
  'ticket_facts',
  'csat_ratings',
  'survey_scores',
  'points_movements',
] as const;

/**
 * The activity facts' SQL. Every write runs in the inbox transaction of the event it applies (the
 * manager passed in), so a redelivered event, dropped by the inbox, writes nothing; a rebuild empties
 * the inbox with the facts, so each event is applied once then too (a snooze adds one to a count). The
 * customer id is the one CustomerKeys gave: a survivor's for an id merged away, null for an erased one.
 */
@Injectable()
export class ActivityRepository {
  constructor(private readonly dataSource: DataSource) {}

  // --- interactions -------------------------------------------------------------------------------

  async addInteraction(manager: EntityManager, fact: InteractionFact): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.interaction_facts (interaction_id, customer_id, agent, channel, direction, occurred_at)
       VALUES ($1, $2::uuid, $3, $4, $5, $6) ON CONFLICT (interaction_id) DO NOTHING`,
      [fact.interactionId, fact.customerId, fact.agent, fact.channel, fact.direction, fact.occurredAt],
    );
  }

  /** A contact may be logged late (occurredAt earlier than known ones): the latest stays. */
  async touchContact(manager: EntityManager, customerId: string, at: string): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.customer_activity (customer_id, last_contact_at)
       VALUES ($1, $2)
       ON CONFLICT (customer_id) DO UPDATE SET last_contact_at = GREATEST(customer_activity.last_contact_at, EXCLUDED.last_contact_at)`,
      [customerId, at],
    );
  }

  // --- follow-ups ---------------------------------------------------------------------------------

  /**
   * Every follow-up event carries the whole follow-up (assignee, team, due time): any of them creates the
   * row, so a follow-up whose creation analytics never saw still counts once it is done.
   */
  async upsertFollowUp(
    manager: EntityManager,
    f: FollowUpFact,
    changes: { createdAt?: string; overdueAt?: string; completedAt?: string; snoozed?: boolean },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.follow_up_facts
         (follow_up_id, customer_id, assignee, team, channel, created_at, original_due_at, due_at, overdue_at, snoozed, completed_at)
       VALUES ($1, $2::uuid, $3, $4, $5, $6, $7, $7, $8, $9, $10)
       ON CONFLICT (follow_up_id) DO UPDATE SET
         assignee = EXCLUDED.assignee,
         team = EXCLUDED.team,
         channel = EXCLUDED.channel,
         due_at = EXCLUDED.due_at,
         created_at = COALESCE(follow_up_facts.created_at, EXCLUDED.created_at),
         overdue_at = COALESCE(follow_up_facts.overdue_at, EXCLUDED.overdue_at),
         snoozed = follow_up_facts.snoozed + EXCLUDED.snoozed,
         completed_at = COALESCE(follow_up_facts.completed_at, EXCLUDED.completed_at)`,
      [
        f.followUpId,
        f.customerId,
        f.assignee,
        f.team,
        f.channel,
        changes.createdAt ?? null,
        f.dueAt,
        changes.overdueAt ?? null,
        changes.snoozed ? 1 : 0,
        changes.completedAt ?? null,
      ],
    );
  }

  // --- tickets ------------------------------------------------------------------------------------

  async openTicket(manager: EntityManager, t: TicketOpened): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.ticket_facts
         (ticket_id, customer_id, type, priority, team, queue, assignee, status, open, received_at)
       VALUES ($1, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (ticket_id) DO NOTHING`,
      [t.ticketId, t.customerId, t.type, t.priority, t.team, t.queue, t.assignee, t.status, t.open, t.receivedAt],
    );
  }

  /** Fields from ticket.updated / ticket.escalated; an older version never overwrites a newer one. */
  async updateTicket(
    manager: EntityManager,
    ticketId: string,
    change: { priority: string; assignee: string | null; version: number },
  ): Promise<void> {
    await manager.query(
      `UPDATE analytics.ticket_facts SET priority = $2, assignee = $3, version = $4
       WHERE ticket_id = $1 AND version < $4`,
      [ticketId, change.priority, change.assignee, change.version],
    );
  }

  /**
   * A move in the complaint process. resolved_at is the last resolution (a reopened ticket is resolved
   * again later), resolved_by who moved it there.
   */
  async transitionTicket(
    manager: EntityManager,
    ticketId: string,
    move: { to: string; open: boolean; at: string; actor: string; version: number },
  ): Promise<void> {
    await manager.query(
      `UPDATE analytics.ticket_facts SET
         status = $2, open = $3, version = GREATEST(version, $6),
         resolved_at = CASE WHEN $2 = 'resolved' THEN $4::timestamptz
                            WHEN $2 = 'closed' THEN COALESCE(resolved_at, $4::timestamptz)
                            WHEN $3 THEN NULL ELSE resolved_at END,
         resolved_by = CASE WHEN $2 = 'resolved' THEN $5
                            WHEN $2 = 'closed' THEN COALESCE(resolved_by, $5)
                            WHEN $3 THEN NULL ELSE resolved_by END,
         closed_at = CASE WHEN $2 = 'closed' THEN $4::timestamptz ELSE closed_at END
       WHERE ticket_id = $1 AND version < $6`,
      [ticketId, move.to, move.open, move.at, move.actor, move.version],
    );
  }

  async firstResponse(manager: EntityManager, ticketId: string, at: string): Promise<void> {
    await manager.query(
      `UPDATE analytics.ticket_facts SET first_response_at = $2 WHERE ticket_id = $1 AND first_response_at IS NULL`,
      [ticketId, at],
    );
  }

  /** The due time service-desk gives a target (in sla.warning and sla.breached): what "by due time" sorts on. */
  async slaDue(manager: EntityManager, ticketId: string, target: SlaTarget, due: string, breached: boolean) {
    const [dueColumn, breachedColumn] =
      target === 'first-response'
        ? ['first_response_due', 'first_response_breached']
        : ['resolution_due', 'resolution_breached'];
    await manager.query(
      `UPDATE analytics.ticket_facts SET ${dueColumn} = $2, ${breachedColumn} = ${breachedColumn} OR $3
       WHERE ticket_id = $1`,
      [ticketId, due, breached],
    );
  }

  /**
   * Open complaints are counted from the ticket facts, so the figure cannot drift from them. A customer
   * with no activity row and no open complaint gets none (a merge refreshes the survivor's count).
   */
  async refreshOpenComplaints(manager: EntityManager, customerId: string): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.customer_activity (customer_id, open_complaints)
       SELECT n.id, n.open FROM (
         SELECT $1::uuid AS id, (SELECT count(*) FROM analytics.ticket_facts t
                                  WHERE t.customer_id = $1 AND t.type = 'complaint' AND t.open) AS open) n
        WHERE n.open > 0 OR EXISTS (SELECT 1 FROM analytics.customer_activity a WHERE a.customer_id = n.id)
       ON CONFLICT (customer_id) DO UPDATE SET open_complaints = EXCLUDED.open_complaints`,
      [customerId],
    );
  }

  async addCsatRating(
    manager: EntityManager,
    r: { ticketId: string; resolution: number; customerId: string | null; rating: number; submittedAt: string },
  ): Promise<void> {
    // the ticket's team and assignee when it was rated: whose work the rating is about
    await manager.query(
      `INSERT INTO analytics.csat_ratings (ticket_id, resolution, customer_id, rating, team, assignee, submitted_at)
       SELECT $1, $2, $3::uuid, $4, t.team, COALESCE(t.resolved_by, t.assignee), $5
       FROM (SELECT 1) one LEFT JOIN analytics.ticket_facts t ON t.ticket_id = $1
       ON CONFLICT (ticket_id, resolution) DO NOTHING`,
      [r.ticketId, r.resolution, r.customerId, r.rating, r.submittedAt],
    );
  }

  // --- surveys ------------------------------------------------------------------------------------

  async addSurveyScores(
    manager: EntityManager,
    response: {
      surveyId: string;
      invitationId: string;
      customerId: string | null;
      respondedAt: string;
      scores: Array<{ questionId: string; kind: SurveyKind; value: number }>;
    },
  ): Promise<void> {
    if (response.scores.length === 0) return;
    await manager.query(
      `INSERT INTO analytics.survey_scores (invitation_id, question_id, survey_id, customer_id, kind, value, responded_at)
       SELECT $1, s.question_id, $2, $3::uuid, s.kind, s.value, $4
       FROM unnest($5::text[], $6::text[], $7::int[]) AS s(question_id, kind, value)
       ON CONFLICT (invitation_id, question_id) DO NOTHING`,
      [
        response.invitationId,
        response.surveyId,
        response.customerId,
        response.respondedAt,
        response.scores.map((s) => s.questionId),
        response.scores.map((s) => s.kind),
        response.scores.map((s) => s.value),
      ],
    );
  }

  /** The newest answer wins; an older one arriving late does not replace it. */
  async lastSurvey(
    manager: EntityManager,
    customerId: string,
    survey: { score: number; kind: string; at: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.customer_activity (customer_id, last_survey_score, last_survey_kind, last_survey_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (customer_id) DO UPDATE SET
         last_survey_score = EXCLUDED.last_survey_score,
         last_survey_kind = EXCLUDED.last_survey_kind,
         last_survey_at = EXCLUDED.last_survey_at
       WHERE customer_activity.last_survey_at IS NULL OR customer_activity.last_survey_at <= EXCLUDED.last_survey_at`,
      [customerId, survey.score, survey.kind, survey.at],
    );
  }

  // --- loyalty ------------------------------------------------------------------------------------

  async addPointsMovement(
    manager: EntityManager,
    m: { movementId: string; customerId: string | null; kind: PointsKind; points: number; occurredAt: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.points_movements (movement_id, customer_id, kind, points, occurred_at)
       VALUES ($1, $2::uuid, $3, $4, $5) ON CONFLICT (movement_id) DO NOTHING`,
      [m.movementId, m.customerId, m.kind, m.points, m.occurredAt],
    );
  }

  // --- reads --------------------------------------------------------------------------------------

  async findActivity(customerId: string, manager: EntityManager = this.dataSource.manager) {
    const [row] = await manager.query(
      `SELECT customer_id, last_contact_at, open_complaints, last_survey_score, last_survey_kind, last_survey_at
       FROM analytics.customer_activity WHERE customer_id = $1`,
      [customerId],
    );
    return row ? toActivity(row) : null;
  }

  async exportOf(customerId: string): Promise<ActivityExport> {
    const [activity, [counts]] = await Promise.all([
      this.findActivity(customerId),
      this.dataSource.query(
        `SELECT ${FACT_TABLES.map((t) => `(SELECT count(*)::int FROM analytics.${t} WHERE customer_id = $1) AS ${t}`).join(', ')}`,
        [customerId],
      ),
    ]);
    return {
      activity,
      interactions: counts.interaction_facts,
      followUps: counts.follow_up_facts,
      tickets: counts.ticket_facts,
      csatRatings: counts.csat_ratings,
      surveyScores: counts.survey_scores,
      pointsMovements: counts.points_movements,
    };
  }

  // --- subject rights -----------------------------------------------------------------------------

  /**
   * The merged customer's facts become the survivor's; the per-customer row is rebuilt from both:
   * the later contact and survey, the open complaints counted again from the (re-keyed) tickets.
   */
  async rekey(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    for (const table of FACT_TABLES)
      await manager.query(`UPDATE analytics.${table} SET customer_id = $2 WHERE customer_id = $1`, [
        mergedId,
        survivorId,
      ]);
    const [merged] = await manager.query(
      `DELETE FROM analytics.customer_activity WHERE customer_id = $1
       RETURNING last_contact_at, last_survey_score, last_survey_kind, last_survey_at`,
      [mergedId],
    );
    // DELETE … RETURNING answers [rows, affected] through TypeORM
    const row = Array.isArray(merged) ? merged[0] : undefined;
    if (row?.last_contact_at) await this.touchContact(manager, survivorId, row.last_contact_at.toISOString());
    if (row?.last_survey_at)
      await this.lastSurvey(manager, survivorId, {
        score: row.last_survey_score,
        kind: row.last_survey_kind,
        at: row.last_survey_at.toISOString(),
      });
    await this.refreshOpenComplaints(manager, survivorId);
  }

  /**
   * The per-customer row goes; the facts stay for the aggregates, with the customer id removed. Returns
   * how many rows were touched (the erasure acknowledgement counts them).
   */
  async erase(manager: EntityManager, customerId: string): Promise<number> {
    const [, deleted]: [unknown[], number] = await manager.query(
      `DELETE FROM analytics.customer_activity WHERE customer_id = $1`,
      [customerId],
    );
    let touched = deleted;
    for (const table of FACT_TABLES) {
      const [, anonymised]: [unknown[], number] = await manager.query(
        `UPDATE analytics.${table} SET customer_id = NULL WHERE customer_id = $1`,
        [customerId],
      );
      touched += anonymised;
    }
    return touched;
  }
}

function toActivity(row: {
  customer_id: string;
  last_contact_at: Date | null;
  open_complaints: number;
  last_survey_score: number | null;
  last_survey_kind: string | null;
  last_survey_at: Date | null;
}): CustomerActivity {
  return {
    customerId: row.customer_id,
    lastContactAt: row.last_contact_at?.toISOString() ?? null,
    openComplaints: row.open_complaints,
    lastSurveyScore: row.last_survey_score,
    lastSurveyKind: row.last_survey_kind,
    lastSurveyAt: row.last_survey_at?.toISOString() ?? null,
  };
}
