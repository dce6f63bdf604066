import { Injectable } from '@nestjs/common';
import type { SlaTargetKind, SlaTier, TicketPriority, TicketStatus } from '@rapport/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import type { SlaEscalation, SlaHold, SlaPolicyDocument, SlaTargetState, SlaTimer } from './sla-clock';

export interface SlaPolicyRecord {
  version: number;
  document: SlaPolicyDocument;
  updatedAt: Date;
  updatedBy: string;
}

/** A ticket's SLA as last computed (in the transaction of the change that moved it). */
export interface TicketSlaRecord {
  ticketId: string;
  policyVersion: number;
  calendarId: string;
  calendarVersion: number;
  tier: SlaTier;
  firstResponseMinutes: number;
  resolutionMinutes: number;
  firstResponseDue: Date | null;
  resolutionDue: Date | null;
  firstResponseState: SlaTargetState;
  resolutionState: SlaTargetState;
  holds: SlaHold[];
  riskAt: Date | null;
  warned: boolean;
  breached: boolean;
  computedAt: Date;
}

/** What a recompute writes of one ticket: its state, its pending timers, its earliest open due time. */
export interface ComputedSla {
  state: TicketSlaRecord;
  timers: readonly SlaTimer[];
  dueAt: Date | null;
}

/** What the SLA clock needs of a ticket. */
export interface SlaTicket {
  id: string;
  customerId: string | null;
  priority: TicketPriority;
  status: TicketStatus;
  receivedAt: Date;
  firstRepliedAt: Date | null;
  queue: string | null;
  assignee: string | null;
  team: string;
}

/** A due timer claimed by a tick, with what its firing needs of the ticket. */
export interface ClaimedTimer {
  ticketId: string;
  target: SlaTargetKind;
  level: number;
  action: SlaEscalation['action'];
  fireAt: Date;
}

/** The only SQL of SLA: the policy's versions, the tickets' SLA state, their timers and due time. */
@Injectable()
export class SlaRepository {
  constructor(private readonly dataSource: DataSource) {}

  async currentPolicy(manager: EntityManager = this.dataSource.manager, lock = false): Promise<SlaPolicyRecord> {
    const rows: PolicyRow[] = await manager.query(
      `SELECT version, document, updated_at, updated_by FROM service_desk.sla_policies
        ORDER BY version DESC LIMIT 1${lock ? ' FOR UPDATE' : ''}`,
    );
    return toPolicy(rows[0]!);
  }

  async insertPolicy(
    manager: EntityManager,
    policy: { version: number; document: SlaPolicyDocument; at: Date; actor: string },
  ): Promise<SlaPolicyRecord> {
    const rows: PolicyRow[] = await manager.query(
      `INSERT INTO service_desk.sla_policies (version, calendar_id, document, updated_at, updated_by)
       VALUES ($1, $2, $3::jsonb, $4, $5) RETURNING version, document, updated_at, updated_by`,
      [policy.version, policy.document.calendarId, JSON.stringify(policy.document), policy.at, policy.actor],
    );
    return toPolicy(rows[0]!);
  }

  /** The customer's VIP flag and value tier, as service-desk knows them now. */
  async tierOf(
    manager: EntityManager,
    customerId: string | null,
  ): Promise<{ vip: boolean; valueTier: 'A' | 'B' | 'C' | null }> {
    if (customerId === null) return { vip: false, valueTier: null };
    const rows: { vip: boolean; value_tier: 'A' | 'B' | 'C' | null }[] = await manager.query(
      `SELECT vip, value_tier FROM service_desk.customer_refs WHERE customer_id = $1`,
      [customerId],
    );
    return { vip: rows[0]?.vip ?? false, valueTier: rows[0]?.value_tier ?? null };
  }

  async find(ticketId: string, manager: EntityManager = this.dataSource.manager): Promise<TicketSlaRecord | undefined> {
    const rows: TicketSlaRow[] = await manager.query(`SELECT * FROM service_desk.ticket_sla WHERE ticket_id = $1`, [
      ticketId,
    ]);
    return rows[0] ? toState(rows[0]) : undefined;
  }

  /** The stored SLA states of these tickets, by ticket id. */
  async findMany(manager: EntityManager, ticketIds: readonly string[]): Promise<Map<string, TicketSlaRecord>> {
    const rows: TicketSlaRow[] = await manager.query(
      `SELECT * FROM service_desk.ticket_sla WHERE ticket_id = ANY($1::uuid[])`,
      [ticketIds],
    );
    return new Map(rows.map((row) => [row.ticket_id, toState(row)]));
  }

  /** The VIP flag and value tier of these customers, by customer id (one not known to service-desk is absent). */
  async tiersOf(
    manager: EntityManager,
    customerIds: ReadonlyArray<string | null>,
  ): Promise<Map<string, { vip: boolean; valueTier: 'A' | 'B' | 'C' | null }>> {
    const ids = [...new Set(customerIds.filter((id): id is string => id !== null))];
    if (ids.length === 0) return new Map();
    const rows: { customer_id: string; vip: boolean; value_tier: 'A' | 'B' | 'C' | null }[] = await manager.query(
      `SELECT customer_id, vip, value_tier FROM service_desk.customer_refs WHERE customer_id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.customer_id, { vip: r.vip, valueTier: r.value_tier }]));
  }

  /**
   * Writes tickets' SLA (the caller holds their locks), set-based whatever their number: the states, their
   * pending timers (fired ones stay fired: a level fires once per ticket) and each ticket's earliest open
   * due time.
   */
  async saveMany(manager: EntityManager, computed: readonly ComputedSla[]): Promise<void> {
    if (computed.length === 0) return;
    const ids = computed.map((c) => c.state.ticketId);
    await manager.query(
      `INSERT INTO service_desk.ticket_sla (ticket_id, policy_version, calendar_id, calendar_version, tier,
         first_response_minutes, resolution_minutes, first_response_due, resolution_due, first_response_state,
         resolution_state, holds, risk_at, warned, breached, computed_at)
       SELECT x.ticket_id, x.policy_version, x.calendar_id, x.calendar_version, x.tier, x.first_response_minutes,
              x.resolution_minutes, x.first_response_due, x.resolution_due, x.first_response_state,
              x.resolution_state, x.holds, x.risk_at, x.warned, x.breached, x.computed_at
         FROM jsonb_to_recordset($1::jsonb) AS x (ticket_id uuid, policy_version int, calendar_id uuid,
              calendar_version int, tier text, first_response_minutes int, resolution_minutes int,
              first_response_due timestamptz, resolution_due timestamptz, first_response_state text,
              resolution_state text, holds jsonb, risk_at timestamptz, warned boolean, breached boolean,
              computed_at timestamptz)
       ON CONFLICT (ticket_id) DO UPDATE SET policy_version = excluded.policy_version,
         calendar_id = excluded.calendar_id, calendar_version = excluded.calendar_version, tier = excluded.tier,
         first_response_minutes = excluded.first_response_minutes, resolution_minutes = excluded.resolution_minutes,
         first_response_due = excluded.first_response_due, resolution_due = excluded.resolution_due,
         first_response_state = excluded.first_response_state, resolution_state = excluded.resolution_state,
         holds = excluded.holds, risk_at = excluded.risk_at, warned = excluded.warned, breached = excluded.breached,
         computed_at = excluded.computed_at`,
      [
        JSON.stringify(
          computed.map(({ state }) => ({
            ticket_id: state.ticketId,
            policy_version: state.policyVersion,
            calendar_id: state.calendarId,
            calendar_version: state.calendarVersion,
            tier: state.tier,
            first_response_minutes: state.firstResponseMinutes,
            resolution_minutes: state.resolutionMinutes,
            first_response_due: state.firstResponseDue,
            resolution_due: state.resolutionDue,
            first_response_state: state.firstResponseState,
            resolution_state: state.resolutionState,
            holds: state.holds,
            risk_at: state.riskAt,
            warned: state.warned,
            breached: state.breached,
            computed_at: state.computedAt,
          })),
        ),
      ],
    );
    await manager.query(`DELETE FROM service_desk.sla_timers WHERE ticket_id = ANY($1::uuid[]) AND fired_at IS NULL`, [
      ids,
    ]);
    const timers = computed.flatMap((c) => c.timers.map((timer) => ({ ticketId: c.state.ticketId, ...timer })));
    if (timers.length > 0)
      await manager.query(
        `INSERT INTO service_desk.sla_timers (ticket_id, target, level, action, fire_at)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::timestamptz[])
         ON CONFLICT (ticket_id, target, level) DO NOTHING`,
        [
          timers.map((t) => t.ticketId),
          timers.map((t) => t.target),
          timers.map((t) => t.level),
          timers.map((t) => t.action),
          timers.map((t) => t.fireAt),
        ],
      );
    await manager.query(
      `UPDATE service_desk.tickets t SET sla_due_at = coalesce(x.due_at, 'infinity')
         FROM unnest($1::uuid[], $2::timestamptz[]) AS x (id, due_at) WHERE t.id = x.id`,
      [ids, computed.map((c) => c.dueAt)],
    );
  }

  /** Marks what a fired timer recorded on the ticket's SLA: a warning level reached, or a breach. */
  async flag(manager: EntityManager, ticketId: string, flag: 'warned' | 'breached'): Promise<void> {
    await manager.query(`UPDATE service_desk.ticket_sla SET ${flag} = true WHERE ticket_id = $1`, [ticketId]);
  }

  /**
   * Claims due timers: each with its ticket's row lock, skipping those another transaction holds (a tick
   * of another replica, or a change of the ticket, which recomputes its timers anyway), and marks them
   * fired, in the caller's transaction. Committed, a timer never fires again; rolled back, it stays due.
   */
  async claimDue(manager: EntityManager, now: Date, limit: number): Promise<ClaimedTimer[]> {
    const rows: TimerRow[] = await manager.query(
      `SELECT s.ticket_id, s.target, s.level, s.action, s.fire_at
         FROM service_desk.sla_timers s JOIN service_desk.tickets t ON t.id = s.ticket_id
        WHERE s.fired_at IS NULL AND s.fire_at <= $1
        ORDER BY s.fire_at LIMIT $2
        FOR UPDATE OF s, t SKIP LOCKED`,
      [now, limit],
    );
    if (rows.length === 0) return [];
    await manager.query(
      // fired_at is the wall clock (a tick's `now` may be ahead in tests): what lateness is measured by
      `UPDATE service_desk.sla_timers s SET fired_at = clock_timestamp()
         FROM unnest($1::uuid[], $2::text[], $3::int[]) AS x (ticket_id, target, level)
        WHERE s.ticket_id = x.ticket_id AND s.target = x.target AND s.level = x.level`,
      [rows.map((r) => r.ticket_id), rows.map((r) => r.target), rows.map((r) => r.level)],
    );
    return rows.map((row) => ({
      ticketId: row.ticket_id,
      target: row.target,
      level: row.level,
      action: row.action,
      fireAt: row.fire_at,
    }));
  }

  /**
   * Open tickets whose SLA was computed on another policy version or calendar version (or never), locked,
   * skipping those locked elsewhere: the bulk recompute's next batch.
   */
  async lockStale(
    manager: EntityManager,
    policyVersion: number,
    calendarId: string,
    calendarVersion: number,
    limit: number,
  ): Promise<SlaTicket[]> {
    const rows: SlaTicketRow[] = await manager.query(
      `SELECT ${TICKET_COLUMNS} FROM service_desk.tickets t
         LEFT JOIN service_desk.ticket_sla s ON s.ticket_id = t.id
        WHERE t.status <> 'closed' AND t.erased_at IS NULL
          AND (s.ticket_id IS NULL OR s.policy_version <> $1 OR s.calendar_id <> $2 OR s.calendar_version <> $3)
        LIMIT $4 FOR UPDATE OF t SKIP LOCKED`,
      [policyVersion, calendarId, calendarVersion, limit],
    );
    return rows.map(toTicket);
  }

  /** A customer's tickets that are not closed, locked, oldest first. */
  async lockOpenOfCustomer(manager: EntityManager, customerId: string): Promise<SlaTicket[]> {
    const rows: SlaTicketRow[] = await manager.query(
      `SELECT ${TICKET_COLUMNS} FROM service_desk.tickets t
        WHERE t.customer_id = $1 AND t.status <> 'closed' AND t.erased_at IS NULL
        ORDER BY t.received_at, t.id FOR UPDATE`,
      [customerId],
    );
    return rows.map(toTicket);
  }

  /** A ticket, locked (the timer's claim holds it already). */
  async ticket(manager: EntityManager, id: string): Promise<SlaTicket | undefined> {
    const rows: SlaTicketRow[] = await manager.query(
      `SELECT ${TICKET_COLUMNS} FROM service_desk.tickets t WHERE t.id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] ? toTicket(rows[0]) : undefined;
  }
}

const TICKET_COLUMNS =
  't.id, t.customer_id, t.priority, t.status, t.received_at, t.first_replied_at, t.queue, t.assignee, t.team';

interface PolicyRow {
  version: number;
  document: SlaPolicyDocument;
  updated_at: Date;
  updated_by: string;
}

interface TicketSlaRow {
  ticket_id: string;
  policy_version: number;
  calendar_id: string;
  calendar_version: number;
  tier: SlaTier;
  first_response_minutes: number;
  resolution_minutes: number;
  first_response_due: Date | null;
  resolution_due: Date | null;
  first_response_state: SlaTargetState;
  resolution_state: SlaTargetState;
  holds: HoldsJson;
  risk_at: Date | null;
  warned: boolean;
  breached: boolean;
  computed_at: Date;
}

interface TimerRow {
  ticket_id: string;
  target: SlaTargetKind;
  level: number;
  action: SlaEscalation['action'];
  fire_at: Date;
}

interface SlaTicketRow {
  id: string;
  customer_id: string | null;
  priority: TicketPriority;
  status: TicketStatus;
  received_at: Date;
  first_replied_at: Date | null;
  queue: string | null;
  assignee: string | null;
  team: string;
}

function toPolicy(row: PolicyRow): SlaPolicyRecord {
  const { calendarId, targets, escalations } = row.document;
  return {
    version: row.version,
    document: { calendarId, targets, escalations },
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

function toState(row: TicketSlaRow): TicketSlaRecord {
  return {
    ticketId: row.ticket_id,
    policyVersion: row.policy_version,
    calendarId: row.calendar_id,
    calendarVersion: row.calendar_version,
    tier: row.tier,
    firstResponseMinutes: row.first_response_minutes,
    resolutionMinutes: row.resolution_minutes,
    firstResponseDue: row.first_response_due,
    resolutionDue: row.resolution_due,
    firstResponseState: row.first_response_state,
    resolutionState: row.resolution_state,
    holds: holdsOf(row.holds),
    riskAt: row.risk_at,
    warned: row.warned,
    breached: row.breached,
    computedAt: row.computed_at,
  };
}

/** A ticket's holds as ticket_sla.holds stores them (JSON: instants as strings). */
export type HoldsJson = Array<{ from: string; to: string | null; reason: SlaHold['reason'] }>;

export function holdsOf(json: HoldsJson): SlaHold[] {
  return json.map((h) => ({ from: new Date(h.from), to: h.to === null ? null : new Date(h.to), reason: h.reason }));
}

function toTicket(row: SlaTicketRow): SlaTicket {
  return {
    id: row.id,
    customerId: row.customer_id,
    priority: row.priority,
    status: row.status,
    receivedAt: row.received_at,
    firstRepliedAt: row.first_replied_at,
    queue: row.queue,
    assignee: row.assignee,
    team: row.team,
  };
}
