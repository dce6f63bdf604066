import { Injectable } from '@nestjs/common';
import { TICKET_PRIORITIES, type SlaPolicyRequest, type TicketStatus } from '@rapport/contracts';
import {
  toCalendarIso,
  type CalendarOverride,
  type CompiledBusinessCalendar,
} from '@rapport/platform-business-calendar';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { CalendarsErrorCode, CalendarsException } from '../calendars/calendars.exception';
import { CalendarsService } from '../calendars/calendars.service';
import {
  holdsAfterMove,
  policyIssues,
  riskAt,
  slaStatus,
  slaTierOf,
  slaTimers,
  targetCell,
  type SlaClockInput,
  type SlaHold,
  type SlaPolicyDocument,
  type SlaTargetStatus,
} from './sla-clock';
import { SlaErrorCode, SlaException } from './sla.exception';
import {
  SlaRepository,
  type ComputedSla,
  type SlaPolicyRecord,
  type SlaTicket,
  type TicketSlaRecord,
} from './sla.repository';

/** Tickets recomputed per transaction by the bulk recompute after a policy or calendar change. */
const RECOMPUTE_BATCH = 500;

/** A ticket's SLA explained: what GET /tickets/{id}/sla shows. */
export interface SlaExplanation {
  ticketId: string;
  policyVersion: number;
  calendarId: string;
  calendarVersion: number;
  tier: TicketSlaRecord['tier'];
  receivedAt: Date;
  targets: SlaTargetStatus[];
  holds: Array<SlaHold & { businessSeconds: number }>;
  overrides: CalendarOverride[];
  /** Formats an instant with the calendar's offset. */
  format: (at: Date) => string;
}

/**
 * SLA policies and the SLA of each ticket. The policy is one versioned document; a ticket's targets,
 * due times, holds and timers are recomputed in the transaction of every change that moves them (the
 * caller holds the ticket's row lock), and in bulk after a change of the policy or its calendar.
 */
@Injectable()
export class SlaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sla: SlaRepository,
    private readonly calendars: CalendarsService,
  ) {}

  policy(): Promise<SlaPolicyRecord> {
    return this.sla.currentPolicy();
  }

  /**
   * A new version of the policy (admin): conditional when the caller says which version it read (412 when
   * stale), unconditional without. The rules across fields and an unknown calendar are 422. One that
   * changes nothing writes nothing. Open tickets are recomputed by the scheduler's next tick.
   */
  async replacePolicy(
    request: SlaPolicyRequest,
    expected: number | undefined,
    caller: CallerIdentity,
  ): Promise<SlaPolicyRecord> {
    const issues = policyIssues(request, TICKET_PRIORITIES);
    const document = normalPolicy(request);
    if (issues.length > 0)
      throw new SlaException(SlaErrorCode.InvalidPolicy, `The SLA policy is not valid: ${issues.join('; ')}`, {
        errors: issues.map((issue) => {
          const [field, ...message] = issue.split(': ');
          return { field, message: message.join(': ') };
        }),
      });
    try {
      await this.calendars.compiled(document.calendarId);
    } catch (error) {
      if (error instanceof CalendarsException && error.code === CalendarsErrorCode.CalendarNotFound)
        throw SlaException.onField(
          SlaErrorCode.CalendarUnknown,
          `Business calendar ${document.calendarId} does not exist`,
          'calendarId',
        );
      throw error;
    }
    return this.dataSource.transaction(async (manager) => {
      const current = await this.sla.currentPolicy(manager, true);
      if (expected !== undefined && expected !== current.version)
        throw new SlaException(
          SlaErrorCode.StaleVersion,
          `The SLA policy is at version ${current.version}, not ${expected}: read it again`,
          { currentVersion: current.version },
        );
      if (JSON.stringify(normalPolicy(current.document)) === JSON.stringify(document)) return current;
      return this.sla.insertPolicy(manager, {
        version: current.version + 1,
        document,
        at: new Date(),
        actor: caller.sub,
      });
    });
  }

  /**
   * Recomputes a ticket's SLA after a change (the caller holds its row lock): `move` when its status
   * changed (pauses, stops and restarts the clocks), else a change of priority or tier, or a new policy.
   */
  async recompute(
    manager: EntityManager,
    ticket: SlaTicket,
    now: Date,
    move?: { from: TicketStatus; to: TicketStatus },
    policy?: SlaPolicyRecord,
  ): Promise<TicketSlaRecord> {
    const applied = policy ?? (await this.sla.currentPolicy(manager));
    const [current, tier, calendar] = await Promise.all([
      this.sla.find(ticket.id, manager),
      this.sla.tierOf(manager, ticket.customerId),
      this.calendars.compiled(applied.document.calendarId, manager),
    ]);
    const computed = computeSla(ticket, current, slaTierOf(tier), applied, calendar, now, move);
    await this.sla.saveMany(manager, [computed]);
    return computed.state;
  }

  /**
   * Recomputes a batch of tickets the caller locked, on one policy, set-based: one read of their states
   * and of their customers' tiers, one write of each table (the bulk recompute's and a merge's path).
   */
  private async recomputeMany(
    manager: EntityManager,
    tickets: readonly SlaTicket[],
    now: Date,
    policy: SlaPolicyRecord,
  ): Promise<void> {
    if (tickets.length === 0) return;
    const [states, tiers, calendar] = await Promise.all([
      this.sla.findMany(
        manager,
        tickets.map((t) => t.id),
      ),
      this.sla.tiersOf(
        manager,
        tickets.map((t) => t.customerId),
      ),
      this.calendars.compiled(policy.document.calendarId, manager),
    ]);
    const none = { vip: false, valueTier: null };
    await this.sla.saveMany(
      manager,
      tickets.map((ticket) =>
        computeSla(
          ticket,
          states.get(ticket.id),
          slaTierOf((ticket.customerId && tiers.get(ticket.customerId)) || none),
          policy,
          calendar,
          now,
        ),
      ),
    );
  }

  /**
   * Recomputes, batch by batch, the open tickets computed on another policy or calendar version (or never):
   * after a PUT of the policy or a change of its calendar, on whichever replica ticks. Within `budgetMs` (the
   * scheduler's tick leaves the rest to the next one, so that firing stays on time). Answers how many.
   */
  async recomputeStale(now: Date, budgetMs = Infinity, batch = RECOMPUTE_BATCH): Promise<number> {
    const policy = await this.sla.currentPolicy();
    const { version } = await this.calendars.compiled(policy.document.calendarId);
    const stopAt = Date.now() + budgetMs;
    let total = 0;
    for (;;) {
      const done = await this.dataSource.transaction(async (manager) => {
        const tickets = await this.sla.lockStale(manager, policy.version, policy.document.calendarId, version, batch);
        await this.recomputeMany(manager, tickets, now, policy);
        return tickets.length;
      });
      total += done;
      if (done < batch || Date.now() >= stopAt) return total;
    }
  }

  /** After a change of a customer's VIP flag or value tier, or a merge (in its transaction): their open tickets' SLA. */
  async recomputeCustomer(manager: EntityManager, customerId: string, now: Date): Promise<number> {
    const tickets = await this.sla.lockOpenOfCustomer(manager, customerId);
    await this.recomputeMany(manager, tickets, now, await this.sla.currentPolicy(manager));
    return tickets.length;
  }

  /** A ticket's SLA at `now`, from its stored state (or the current policy for a ticket not yet computed). */
  async explain(ticket: SlaTicket, now: Date): Promise<SlaExplanation> {
    const stored = await this.sla.find(ticket.id);
    const policy = await this.sla.currentPolicy();
    const tier = stored?.tier ?? slaTierOf(await this.sla.tierOf(this.dataSource.manager, ticket.customerId));
    const cell = stored ?? targetCell(policy.document, ticket.priority, tier);
    const calendarId = stored?.calendarId ?? policy.document.calendarId;
    const { compiled, version } = await this.calendars.compiled(calendarId);
    const holds = stored?.holds ?? [];
    const targets = slaStatus(
      compiled,
      {
        receivedAt: ticket.receivedAt,
        holds,
        firstRepliedAt: ticket.firstRepliedAt,
        firstResponseMinutes: cell.firstResponseMinutes,
        resolutionMinutes: cell.resolutionMinutes,
      },
      now,
    );
    // the overrides that may have moved a due time: from the receipt to the latest due time (now while paused)
    const last = targets.reduce((max, t) => Math.max(max, (t.due ?? now).getTime()), ticket.receivedAt.getTime());
    const day = (at: Date) => toCalendarIso(compiled, at).slice(0, 10);
    return {
      ticketId: ticket.id,
      policyVersion: stored?.policyVersion ?? policy.version,
      calendarId,
      calendarVersion: version,
      tier,
      receivedAt: ticket.receivedAt,
      targets,
      holds: holds.map((h) => ({
        ...h,
        businessSeconds: compiled.businessSecondsBetween(h.from, h.to ?? now),
      })),
      overrides: await this.calendars.overridesBetween(calendarId, day(ticket.receivedAt), day(new Date(last))),
      format: (at) => toCalendarIso(compiled, at),
    };
  }
}

/** A ticket's SLA state, timers and earliest open due time, computed (no I/O) for `recompute` and its batch path. */
function computeSla(
  ticket: SlaTicket,
  current: TicketSlaRecord | undefined,
  tier: TicketSlaRecord['tier'],
  policy: SlaPolicyRecord,
  calendar: { compiled: CompiledBusinessCalendar; version: number },
  now: Date,
  move?: { from: TicketStatus; to: TicketStatus },
): ComputedSla {
  const holds = move ? holdsAfterMove(current?.holds ?? [], move.from, move.to, now) : (current?.holds ?? []);
  const cell = targetCell(policy.document, ticket.priority, tier);
  const input: SlaClockInput = {
    receivedAt: ticket.receivedAt,
    holds,
    firstRepliedAt: ticket.firstRepliedAt,
    firstResponseMinutes: cell.firstResponseMinutes,
    resolutionMinutes: cell.resolutionMinutes,
  };
  const statuses = slaStatus(calendar.compiled, input, now);
  const [first, resolution] = statuses as [SlaTargetStatus, SlaTargetStatus];
  // a resolved or closed ticket waits for no first reply either
  const open = ticket.status !== 'resolved' && ticket.status !== 'closed';
  const running = open ? statuses.filter((s) => s.stoppedAt === null && s.due !== null) : [];
  const escalations = policy.document.escalations;
  return {
    state: {
      ticketId: ticket.id,
      policyVersion: policy.version,
      calendarId: policy.document.calendarId,
      calendarVersion: calendar.version,
      tier,
      firstResponseMinutes: cell.firstResponseMinutes,
      resolutionMinutes: cell.resolutionMinutes,
      firstResponseDue: first.due,
      resolutionDue: resolution.due,
      firstResponseState: first.state,
      resolutionState: resolution.state,
      holds,
      riskAt: open ? riskAt(calendar.compiled, input, running, escalations) : null,
      warned: current?.warned ?? false,
      breached: statuses.some((s) => s.state === 'breached'),
      computedAt: now,
    },
    timers: open ? slaTimers(calendar.compiled, input, running, escalations) : [],
    dueAt: running.reduce<Date | null>((min, s) => (!min || s.due! < min ? s.due : min), null),
  };
}

/** The document in one order (cells by priority and tier, levels by target and percent), for comparisons. */
function normalPolicy(request: SlaPolicyDocument): SlaPolicyDocument {
  // a request's version is the condition, not part of the document
  return {
    calendarId: request.calendarId,
    targets: request.targets
      .map(({ priority, tier, firstResponseMinutes, resolutionMinutes }) => ({
        priority,
        tier,
        firstResponseMinutes,
        resolutionMinutes,
      }))
      .sort((a, b) => `${a.priority}/${a.tier}`.localeCompare(`${b.priority}/${b.tier}`)),
    escalations: request.escalations
      .map(({ atPercent, target, action }) => ({ atPercent, target, action }))
      .sort((a, b) => a.target.localeCompare(b.target) || a.atPercent - b.atPercent),
  };
}
