import { Injectable } from '@nestjs/common';
import type {
  QueueAssignment,
  RoutingReason,
  TicketChannel,
  TicketHistoryKind,
  TicketPriority,
  TicketStatus,
  TicketType,
  SlaFilter,
} from '@rapport/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { SLA_FILTER_SQL, visibilitySql } from './ticket-sql';
import type { TicketVisibility } from './ticket-visibility';

export interface TicketRecord {
  id: string;
  customerId: string;
  type: TicketType;
  channel: TicketChannel;
  subject: string;
  description: string;
  priority: TicketPriority;
  category: string | null;
  queue: string | null;
  assignee: string | null;
  team: string;
  /** The customer was a VIP when it came in (lists show these first). */
  vip: boolean;
  status: TicketStatus;
  version: number;
  receivedAt: Date;
  createdAt: Date;
  updatedAt: Date;
  firstRepliedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  reopenedCount: number;
  /** The earliest due time of its running SLA targets (null: none running); the list's order after VIP. */
  slaDueAt: Date | null;
}

export type NewTicket = Pick<
  TicketRecord,
  | 'id'
  | 'customerId'
  | 'type'
  | 'channel'
  | 'subject'
  | 'description'
  | 'priority'
  | 'category'
  | 'assignee'
  | 'team'
  | 'queue'
  | 'vip'
  | 'status'
  | 'receivedAt'
> & { createdAt: Date };

/** What a change may set on a ticket; the version goes up by one and updated_at is `at`. */
export type TicketChanges = Partial<
  Pick<
    TicketRecord,
    | 'subject'
    | 'description'
    | 'priority'
    | 'category'
    | 'assignee'
    | 'status'
    | 'firstRepliedAt'
    | 'resolvedAt'
    | 'closedAt'
    | 'reopenedCount'
  >
>;

export interface TicketHistoryEntry {
  seq: number;
  at: Date;
  actor: string;
  kind: TicketHistoryKind;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus | null;
  /** The text of a reply, a note or a transition's note; null when there is none or it was erased. */
  text: string | null;
  changedFields: string[];
  /** For kind created: where routing put the ticket. */
  routing: TicketRouting | null;
  /** For kind csat. */
  rating: number | null;
}

export interface TicketRouting {
  queue: string;
  reason: RoutingReason;
  assignee: string | null;
  assignment: QueueAssignment;
}

/** A CSAT request of one resolution of a ticket, answered or not. */
export interface CsatRecord {
  ticketId: string;
  resolution: number;
  requestedAt: Date;
  expiresAt: Date;
  rating: number | null;
  comment: string | null;
  submittedAt: Date | null;
}

/** What a ticket's view shows of its CSAT: the open request (for the link) and the latest rating. */
export interface TicketCsat {
  pending: CsatRecord | null;
  last: CsatRecord | null;
}

export interface NewHistoryEntry {
  at: Date;
  actor: string;
  kind: TicketHistoryKind;
  fromStatus?: TicketStatus | null;
  toStatus?: TicketStatus | null;
  text?: string | null;
  changedFields?: string[];
  routing?: TicketRouting;
  rating?: number;
}

export interface TicketFilters {
  status?: TicketStatus | undefined;
  type?: TicketType | undefined;
  priority?: TicketPriority | undefined;
  assignee?: string | undefined;
  customerId?: string | undefined;
  queue?: string | undefined;
  sla?: SlaFilter | undefined;
}

/** The list's keyset position: VIP tickets first, then the earliest SLA due time (none last). */
export interface TicketListPosition {
  vip: boolean;
  /** An ISO instant, or 'infinity' for a ticket with no running SLA target. */
  slaDueAt: string;
  id: string;
}

const COLUMNS = `id, customer_id, type, channel, subject, description, priority, category, queue, assignee, team, vip, status,
  version, received_at, created_at, updated_at, first_replied_at, resolved_at, closed_at, reopened_count,
  CASE WHEN sla_due_at = 'infinity' THEN NULL ELSE sla_due_at END AS sla_due_at`;

/** The columns a change may set, by record field. */
const CHANGEABLE: Record<keyof TicketChanges, string> = {
  subject: 'subject',
  description: 'description',
  priority: 'priority',
  category: 'category',
  assignee: 'assignee',
  status: 'status',
  firstRepliedAt: 'first_replied_at',
  resolvedAt: 'resolved_at',
  closedAt: 'closed_at',
  reopenedCount: 'reopened_count',
};

/** The only SQL of tickets: the tickets, their append-only history, and what subject rights need of them. */
@Injectable()
export class TicketsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, ticket: NewTicket): Promise<TicketRecord> {
    const rows: TicketRow[] = await manager.query(
      `INSERT INTO service_desk.tickets
         (id, customer_id, type, channel, subject, description, priority, category, assignee, team, status,
          received_at, created_at, updated_at, queue, vip)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15)
       RETURNING ${COLUMNS}`,
      [
        ticket.id,
        ticket.customerId,
        ticket.type,
        ticket.channel,
        ticket.subject,
        ticket.description,
        ticket.priority,
        ticket.category,
        ticket.assignee,
        ticket.team,
        ticket.status,
        ticket.receivedAt,
        ticket.createdAt,
        ticket.queue,
        ticket.vip,
      ],
    );
    return toRecord(rows[0]!);
  }

  /** The ticket, if the caller may see it, locked for a change (every change of a ticket takes this lock first). */
  async lockVisible(
    manager: EntityManager,
    id: string,
    visibility: TicketVisibility,
  ): Promise<TicketRecord | undefined> {
    return this.findVisible(id, visibility, manager, true);
  }

  /** The ticket (not erased), locked for a change made on no caller's behalf (a CSAT link). */
  async lock(manager: EntityManager, id: string): Promise<TicketRecord | undefined> {
    return this.findVisible(id, { kind: 'all' }, manager, true);
  }

  async findVisible(
    id: string,
    visibility: TicketVisibility,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<TicketRecord | undefined> {
    const params: unknown[] = [id];
    const rows: TicketRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM service_desk.tickets t
        WHERE t.id = $1 AND t.erased_at IS NULL AND ${visibilitySql(visibility, params)}${lock ? ' FOR UPDATE' : ''}`,
      params,
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** A page, VIP tickets first, then the earliest SLA due time, none last (keyset on NOT vip, sla_due_at, id). */
  async list(
    filters: TicketFilters,
    visibility: TicketVisibility,
    after: TicketListPosition | undefined,
    limit: number,
  ): Promise<TicketRecord[]> {
    const params: unknown[] = [];
    const where = ['t.erased_at IS NULL', visibilitySql(visibility, params)];
    const filter = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      params.push(value);
      where.push(`t.${column} = $${params.length}`);
    };
    filter('status', filters.status);
    filter('type', filters.type);
    filter('priority', filters.priority);
    filter('assignee', filters.assignee);
    filter('customer_id', filters.customerId);
    filter('queue', filters.queue);
    if (filters.sla) where.push(SLA_FILTER_SQL[filters.sla]);
    if (after) {
      params.push(!after.vip, after.slaDueAt, after.id);
      where.push(
        `(NOT t.vip, t.sla_due_at, t.id) > ($${params.length - 2}::boolean, $${params.length - 1}::timestamptz, $${params.length}::uuid)`,
      );
    }
    params.push(limit);
    const rows: TicketRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM service_desk.tickets t WHERE ${where.join(' AND ')}
        ORDER BY NOT t.vip, t.sla_due_at, t.id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toRecord);
  }

  /** Applies a change to a ticket the caller locked: the version goes up by one. */
  async change(manager: EntityManager, id: string, changes: TicketChanges, at: Date): Promise<TicketRecord> {
    const params: unknown[] = [id, at];
    const sets = ['version = version + 1', 'updated_at = $2'];
    for (const [field, column] of Object.entries(CHANGEABLE) as [keyof TicketChanges, string][]) {
      if (changes[field] === undefined) continue;
      params.push(changes[field]);
      sets.push(`${column} = $${params.length}`);
    }
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [TicketRow[], number] = await manager.query(
      `UPDATE service_desk.tickets SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`,
      params,
    );
    return toRecord(rows[0]!);
  }

  /** Appends an entry to a ticket's history; the caller holds the ticket's lock, so seq has no gaps or races. */
  async appendHistory(manager: EntityManager, ticketId: string, entry: NewHistoryEntry): Promise<number> {
    const detail: Record<string, unknown> = {};
    if (entry.text) detail['text'] = entry.text;
    if (entry.changedFields?.length) detail['changedFields'] = entry.changedFields;
    if (entry.routing) detail['routing'] = entry.routing;
    if (entry.rating !== undefined) detail['rating'] = entry.rating;
    const rows: { seq: number }[] = await manager.query(
      `INSERT INTO service_desk.ticket_history (ticket_id, seq, at, actor, kind, from_status, to_status, detail)
       SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7::jsonb
         FROM service_desk.ticket_history WHERE ticket_id = $1
       RETURNING seq`,
      [
        ticketId,
        entry.at,
        entry.actor,
        entry.kind,
        entry.fromStatus ?? null,
        entry.toStatus ?? null,
        JSON.stringify(detail),
      ],
    );
    return rows[0]!.seq;
  }

  async history(ticketId: string): Promise<TicketHistoryEntry[]> {
    const rows: HistoryRow[] = await this.dataSource.query(
      `SELECT seq, at, actor, kind, from_status, to_status, detail FROM service_desk.ticket_history
        WHERE ticket_id = $1 ORDER BY seq`,
      [ticketId],
    );
    return rows.map(toHistoryEntry);
  }

  /** A customer's tickets (oldest first) with their history, for the subject access export. */
  async ofCustomer(
    customerId: string,
  ): Promise<Array<TicketRecord & { history: TicketHistoryEntry[]; csat: CsatRecord[] }>> {
    const tickets: TicketRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM service_desk.tickets t WHERE t.customer_id = $1 ORDER BY t.received_at, t.id`,
      [customerId],
    );
    if (tickets.length === 0) return [];
    const history: Array<HistoryRow & { ticket_id: string }> = await this.dataSource.query(
      `SELECT ticket_id, seq, at, actor, kind, from_status, to_status, detail FROM service_desk.ticket_history
        WHERE ticket_id = ANY($1::uuid[]) ORDER BY ticket_id, seq`,
      [tickets.map((t) => t.id)],
    );
    const csat: CsatRow[] = await this.dataSource.query(
      `SELECT * FROM service_desk.ticket_csat WHERE ticket_id = ANY($1::uuid[]) ORDER BY ticket_id, resolution`,
      [tickets.map((t) => t.id)],
    );
    return tickets.map((t) => ({
      ...toRecord(t),
      history: history.filter((h) => h.ticket_id === t.id).map(toHistoryEntry),
      csat: csat.filter((c) => c.ticket_id === t.id).map(toCsat),
    }));
  }

  /** Asks for a rating of this resolution (the ticket's lock is held); a repeated resolution number keeps its request. */
  async requestCsat(
    manager: EntityManager,
    request: { ticketId: string; resolution: number; requestedAt: Date; expiresAt: Date },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO service_desk.ticket_csat (ticket_id, resolution, requested_at, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (ticket_id, resolution) DO NOTHING`,
      [request.ticketId, request.resolution, request.requestedAt, request.expiresAt],
    );
  }

  /** The CSAT request of a resolution, locked for its answer. */
  async lockCsat(manager: EntityManager, ticketId: string, resolution: number): Promise<CsatRecord | undefined> {
    const rows: CsatRow[] = await manager.query(
      `SELECT * FROM service_desk.ticket_csat WHERE ticket_id = $1 AND resolution = $2 FOR UPDATE`,
      [ticketId, resolution],
    );
    return rows[0] ? toCsat(rows[0]) : undefined;
  }

  async answerCsat(
    manager: EntityManager,
    answer: { ticketId: string; resolution: number; rating: number; comment: string | null; at: Date },
  ): Promise<CsatRecord> {
    const [rows]: [CsatRow[], number] = await manager.query(
      `UPDATE service_desk.ticket_csat SET rating = $3, comment = $4, submitted_at = $5
        WHERE ticket_id = $1 AND resolution = $2 RETURNING *`,
      [answer.ticketId, answer.resolution, answer.rating, answer.comment, answer.at],
    );
    return toCsat(rows[0]!);
  }

  /**
   * Of each ticket: its open request (the latest unanswered one, while not expired) and its latest
   * rating.
   */
  async csatOf(ticketIds: readonly string[], now: Date): Promise<Map<string, TicketCsat>> {
    const result = new Map<string, TicketCsat>();
    if (ticketIds.length === 0) return result;
    const rows: Array<CsatRow & { kind: 'pending' | 'last' }> = await this.dataSource.query(
      `(SELECT DISTINCT ON (ticket_id) 'pending' AS kind, * FROM service_desk.ticket_csat
         WHERE ticket_id = ANY($1::uuid[]) AND submitted_at IS NULL AND expires_at > $2
         ORDER BY ticket_id, resolution DESC)
       UNION ALL
       (SELECT DISTINCT ON (ticket_id) 'last' AS kind, * FROM service_desk.ticket_csat
         WHERE ticket_id = ANY($1::uuid[]) AND submitted_at IS NOT NULL
         ORDER BY ticket_id, submitted_at DESC)`,
      [ticketIds, now],
    );
    for (const row of rows) {
      const entry = result.get(row.ticket_id) ?? { pending: null, last: null };
      entry[row.kind] = toCsat(row);
      result.set(row.ticket_id, entry);
    }
    return result;
  }

  /** A merge: the merged customer's tickets belong to the survivor. */
  async rekey(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(`UPDATE service_desk.tickets SET customer_id = $2 WHERE customer_id = $1`, [
      mergedId,
      survivorId,
    ]);
  }

  /**
   * An erasure: the customer's tickets lose the customer id and their texts (subject, description,
   * and every reply, note and transition note of their history); what stays is an anonymous ticket
   * (type, channel, priority, team, status and times) that service statistics still count.
   */
  async erase(manager: EntityManager, customerId: string): Promise<{ tickets: number; texts: number }> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [erased]: [{ id: string }[], number] = await manager.query(
      `UPDATE service_desk.tickets
          SET customer_id = NULL, subject = NULL, description = NULL, category = NULL, erased_at = now()
        WHERE customer_id = $1 RETURNING id`,
      [customerId],
    );
    if (erased.length === 0) return { tickets: 0, texts: 0 };
    // the customer's CSAT comments are their words too; the ratings stay, as anonymous counts
    await manager.query(
      `UPDATE service_desk.ticket_csat SET comment = NULL WHERE ticket_id = ANY($1::uuid[]) AND comment IS NOT NULL`,
      [erased.map((t) => t.id)],
    );
    const [, texts]: [unknown[], number] = await manager.query(
      `UPDATE service_desk.ticket_history SET detail = detail - 'text'
        WHERE ticket_id = ANY($1::uuid[]) AND detail ? 'text'`,
      [erased.map((t) => t.id)],
    );
    return { tickets: erased.length, texts };
  }
}

interface CsatRow {
  ticket_id: string;
  resolution: number;
  requested_at: Date;
  expires_at: Date;
  rating: number | null;
  comment: string | null;
  submitted_at: Date | null;
}

function toCsat(row: CsatRow): CsatRecord {
  return {
    ticketId: row.ticket_id,
    resolution: row.resolution,
    requestedAt: row.requested_at,
    expiresAt: row.expires_at,
    rating: row.rating,
    comment: row.comment,
    submittedAt: row.submitted_at,
  };
}

interface TicketRow {
  id: string;
  customer_id: string;
  type: TicketType;
  channel: TicketChannel;
  subject: string;
  description: string;
  priority: TicketPriority;
  category: string | null;
  queue: string | null;
  assignee: string | null;
  team: string;
  vip: boolean;
  status: TicketStatus;
  version: number;
  received_at: Date;
  created_at: Date;
  updated_at: Date;
  first_replied_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  reopened_count: number;
  sla_due_at: Date | null;
}

interface HistoryRow {
  seq: number;
  at: Date;
  actor: string;
  kind: TicketHistoryKind;
  from_status: TicketStatus | null;
  to_status: TicketStatus | null;
  detail: { text?: string; changedFields?: string[]; routing?: TicketRouting; rating?: number };
}

function toRecord(row: TicketRow): TicketRecord {
  return {
    id: row.id,
    customerId: row.customer_id,
    type: row.type,
    channel: row.channel,
    subject: row.subject,
    description: row.description,
    priority: row.priority,
    category: row.category,
    queue: row.queue,
    assignee: row.assignee,
    team: row.team,
    vip: row.vip,
    status: row.status,
    version: row.version,
    receivedAt: row.received_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    firstRepliedAt: row.first_replied_at,
    resolvedAt: row.resolved_at,
    closedAt: row.closed_at,
    reopenedCount: row.reopened_count,
    slaDueAt: row.sla_due_at,
  };
}

function toHistoryEntry(row: HistoryRow): TicketHistoryEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    kind: row.kind,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    text: row.detail.text ?? null,
    changedFields: row.detail.changedFields ?? [],
    routing: row.detail.routing ?? null,
    rating: row.detail.rating ?? null,
  };
}
