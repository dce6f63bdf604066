import { decodeCursor, encodeCursor } from '@rapport/platform-http';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type {
  CreateTicketRequest,
  CsatRequest,
  ListTicketsQuery,
  TicketStatus,
  UpdateTicketRequest,
} from '@rapport/contracts';
import { OutboxWriter, type PendingEvent } from '@rapport/platform-messaging';
import { SERVICE_CONFIG, type CallerIdentity, type ServiceConfig } from '@rapport/platform-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { CustomerRefsRepository } from '../customer-refs/customer-refs.repository';
import { QueuesService, type RoutingOutcome } from '../queues/queues.service';
import { SlaService, type SlaExplanation } from '../sla/sla.service';
import { SERVICE_DESK_CONFIG, type ServiceDeskConfig } from '../service-desk.config';
import { CsatLinks, csatLinkKey } from './csat-link';
import { TicketProcess } from './ticket-process';
import { ticketVisibility, type TicketVisibility } from './ticket-visibility';
import {
  csatSubmittedEvent,
  ticketCreatedEvent,
  ticketRepliedEvent,
  ticketTransitionedEvent,
  ticketUpdatedEvent,
} from './ticket-events';
import { TICKETS_CONFIG, type TicketsConfig } from './tickets.config';
import { ticketNotFound, TicketsErrorCode, TicketsException, transitionNotAllowed } from './tickets.exception';
import {
  TicketsRepository,
  type CsatRecord,
  type TicketChanges,
  type TicketCsat,
  type TicketHistoryEntry,
  type TicketListPosition,
  type TicketRecord,
} from './tickets.repository';

/** A receivedAt this far ahead of the service's clock is still taken as now (the caller's clock may run fast). */
const CLOCK_SKEW_MS = 60_000;
const SORT = '-vip,slaDueAt';
const DAY_MS = 86_400_000;
/** A rating this low reopens the ticket (for the queue's lead), whatever the reopen window. */
const LOW_RATING = 2;
const NO_CSAT: TicketCsat = { pending: null, last: null };
const EDITABLE = ['subject', 'description', 'priority', 'category', 'assignee'] as const;
const NULLABLE: ReadonlySet<string> = new Set(['category', 'assignee']);

/** A ticket with the moves the process allows from where it stands now, and its CSAT. */
export interface TicketState {
  ticket: TicketRecord;
  allowed: TicketStatus[];
  /** The signed link asking the customer for a rating, while one is open (for callers with tickets:write). */
  csatLink: string | null;
  lastCsat: CsatRecord | null;
}

/**
 * Tickets and the complaint process. Every change takes the ticket's row lock, asks the process,
 * writes the ticket, its history entry and its event in one transaction (the outbox).
 */
@Injectable()
export class TicketsService {
  private readonly process: TicketProcess;
  private readonly csatLinks: CsatLinks;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tickets: TicketsRepository,
    private readonly customers: CustomerRefsRepository,
    private readonly queues: QueuesService,
    private readonly slaService: SlaService,
    private readonly outbox: OutboxWriter,
    @Inject(SERVICE_DESK_CONFIG) config: ServiceDeskConfig,
    @Inject(TICKETS_CONFIG) private readonly ticketsConfig: TicketsConfig,
    @Inject(SERVICE_CONFIG) serviceConfig: ServiceConfig,
  ) {
    this.process = new TicketProcess(config.TICKET_REOPEN_WINDOW_DAYS);
    this.csatLinks = new CsatLinks(csatLinkKey(ticketsConfig.CSAT_LINK_SECRET, serviceConfig.INTERNAL_AUTH_SECRET));
  }

  async create(request: CreateTicketRequest, caller: CallerIdentity): Promise<TicketState> {
    const now = new Date();
    const receivedAt = request.receivedAt ? new Date(request.receivedAt) : now;
    if (receivedAt.getTime() > now.getTime() + CLOCK_SKEW_MS)
      throw TicketsException.onField(
        TicketsErrorCode.ReceivedInFuture,
        `receivedAt ${request.receivedAt} is in the future`,
        'receivedAt',
      );
    const requestedTeam = this.teamFor(request.team, caller);
    const ticket = await this.dataSource.transaction(async (manager) => {
      const customer = await this.customers.lockWithTier(manager, request.customerId);
      if (!customer)
        throw TicketsException.onField(
          TicketsErrorCode.CustomerUnknown,
          `Customer ${request.customerId} is not known to service-desk`,
          'customerId',
        );
      const routing = await this.queues.route(
        manager,
        { type: request.type, category: request.category ?? null, channel: request.channel, vip: customer.vip },
        request.assignee ?? null,
      );
      const created = await this.tickets.insert(manager, {
        id: randomUUID(),
        customerId: request.customerId,
        type: request.type,
        channel: request.channel,
        subject: request.subject,
        description: request.description,
        priority: request.priority ?? 'normal',
        category: request.category ?? null,
        assignee: routing.assignee,
        team: teamAfterRouting(requestedTeam, routing, request.assignee ?? null),
        queue: routing.queue,
        vip: customer.vip,
        status: 'received',
        receivedAt,
        createdAt: now,
      });
      await this.tickets.appendHistory(manager, created.id, {
        at: now,
        actor: caller.sub,
        kind: 'created',
        toStatus: 'received',
        routing: {
          queue: routing.queue,
          reason: routing.reason,
          assignee: routing.assignee,
          assignment: routing.assignment,
        },
      });
      await this.slaService.recompute(manager, created, now);
      await this.outbox.addMany(manager, [ticketCreatedEvent(created, routing.reason, caller.sub)]);
      return created;
    });
    return this.stateOf(ticket);
  }

  async list(
    query: ListTicketsQuery,
    caller: CallerIdentity,
  ): Promise<{ items: TicketState[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    let after: TicketListPosition | undefined;
    if (query.cursor) {
      const decoded = decodeCursor(query.cursor, SORT);
      const key = typeof decoded?.key === 'string' ? /^([01])\|(.+)$/.exec(decoded.key) : null;
      if (!decoded || !key || (key[2] !== 'infinity' && Number.isNaN(Date.parse(key[2]!))))
        throw TicketsException.onField(TicketsErrorCode.InvalidCursor, 'cursor is not a cursor of this list', 'cursor');
      after = { vip: key[1] === '1', slaDueAt: key[2]!, id: decoded.id };
    }
    const rows = await this.tickets.list(query, ticketVisibility(caller), after, limit);
    const last = rows[rows.length - 1];
    return {
      items: await this.statesOf(rows),
      nextCursor:
        rows.length === limit && last
          ? encodeCursor(SORT, `${last.vip ? 1 : 0}|${last.slaDueAt?.toISOString() ?? 'infinity'}`, last.id)
          : null,
    };
  }

  async get(id: string, caller: CallerIdentity): Promise<TicketState> {
    const ticket = await this.tickets.findVisible(id, ticketVisibility(caller));
    if (!ticket) throw ticketNotFound(id);
    return this.stateOf(ticket);
  }

  /** The ticket's SLA explained at this instant (GET /tickets/{id}/sla), for a caller who may see the ticket. */
  async sla(id: string, caller: CallerIdentity): Promise<{ ticket: TicketRecord; sla: SlaExplanation }> {
    const ticket = await this.tickets.findVisible(id, ticketVisibility(caller));
    if (!ticket) throw ticketNotFound(id);
    return { ticket, sla: await this.slaService.explain(ticket, new Date()) };
  }

  async history(id: string, caller: CallerIdentity): Promise<{ ticket: TicketRecord; entries: TicketHistoryEntry[] }> {
    const { ticket } = await this.get(id, caller);
    return { ticket, entries: await this.tickets.history(id) };
  }

  /**
   * A change, conditional when the caller says which version it read (If-Match or `version`): a stale
   * one is refused (412). Without either it applies to the current version, as customers' PATCH does.
   * A change that changes nothing writes nothing.
   */
  async update(
    id: string,
    request: UpdateTicketRequest,
    expected: number | undefined,
    caller: CallerIdentity,
  ): Promise<TicketState> {
    const ticket = await this.changing(id, caller, async (manager, current, now) => {
      if (expected !== undefined && current.version !== expected)
        throw new TicketsException(
          TicketsErrorCode.StaleVersion,
          `Ticket ${id} is at version ${current.version}, not ${expected}: read it again`,
          { currentVersion: current.version },
        );
      const changes: TicketChanges = {};
      const changedFields: string[] = [];
      for (const field of EDITABLE) {
        const value = request[field];
        if (value === undefined || value === current[field]) continue;
        // The gateway refuses null where its document does not allow it; this API is reached by the gateway only, but checks too.
        if (value === null && !NULLABLE.has(field))
          throw TicketsException.onField(TicketsErrorCode.NotNullable, `${field} cannot be cleared`, field);
        (changes as Record<string, unknown>)[field] = value;
        changedFields.push(field);
      }
      if (changedFields.length === 0) return current;
      const changed = await this.tickets.change(manager, id, changes, now);
      await this.tickets.appendHistory(manager, id, { at: now, actor: caller.sub, kind: 'updated', changedFields });
      // a new priority has other targets
      if (changes.priority) await this.slaService.recompute(manager, changed, now);
      return { ticket: changed, events: [ticketUpdatedEvent(changed, changedFields, caller.sub)] };
    });
    return this.stateOf(ticket);
  }

  /** A move in the complaint process; one the process does not allow from here is 409 with the allowed targets. */
  async transition(
    id: string,
    to: TicketStatus,
    note: string | undefined,
    caller: CallerIdentity,
  ): Promise<TicketState> {
    const ticket = await this.changing(id, caller, async (manager, current, now) => {
      const decision = this.process.decide(current, to, now);
      if (decision.kind === 'refuse') throw transitionNotAllowed(id, current.status, to, decision.allowed);
      return this.move(manager, current, to, now, caller.sub, note);
    });
    return this.stateOf(ticket);
  }

  /**
   * A reply to the customer: the first one sets first_replied_at, and one on a received ticket
   * acknowledges it (a transition, with its own history entry and event). A closed ticket takes none.
   */
  async reply(id: string, text: string, caller: CallerIdentity): Promise<TicketState> {
    const ticket = await this.changing(id, caller, async (manager, current, now) => {
      const next = this.process.afterReply(current.status);
      if (next === null)
        throw new TicketsException(TicketsErrorCode.TicketClosed, `Ticket ${id} is closed: it takes no replies`, {
          ticketStatus: current.status,
        });
      const first = current.firstRepliedAt === null;
      const changes: TicketChanges = {
        ...(first ? { firstRepliedAt: now } : {}),
        ...(next !== current.status ? { status: next } : {}),
      };
      const changed = await this.tickets.change(manager, id, changes, now);
      await this.tickets.appendHistory(manager, id, { at: now, actor: caller.sub, kind: 'reply', text });
      // the first reply meets (or ends) the first-response target
      if (first || next !== current.status)
        await this.slaService.recompute(
          manager,
          changed,
          now,
          next !== current.status ? { from: current.status, to: next } : undefined,
        );
      const events: PendingEvent[] = [ticketRepliedEvent(changed, first, caller.sub)];
      if (next !== current.status) {
        await this.tickets.appendHistory(manager, id, {
          at: now,
          actor: caller.sub,
          kind: 'transition',
          fromStatus: current.status,
          toStatus: next,
        });
        events.push(ticketTransitionedEvent(changed, current.status, caller.sub));
      }
      return { ticket: changed, events };
    });
    return this.stateOf(ticket);
  }

  /** An internal note: history only; the ticket and its version stay as they are, nothing is published. */
  async note(
    id: string,
    text: string,
    caller: CallerIdentity,
  ): Promise<{ ticket: TicketRecord; entry: TicketHistoryEntry }> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.tickets.lockVisible(manager, id, ticketVisibility(caller));
      if (!current) throw ticketNotFound(id);
      const at = new Date();
      const seq = await this.tickets.appendHistory(manager, id, { at, actor: caller.sub, kind: 'note', text });
      return {
        ticket: current,
        entry: {
          seq,
          at,
          actor: caller.sub,
          kind: 'note',
          fromStatus: null,
          toStatus: null,
          text,
          changedFields: [],
          routing: null,
          rating: null,
        },
      };
    });
  }

  /**
   * The customer's rating of a resolution, through the signed link (no caller: the token is the
   * authority). A forged, expired or foreign token is 403; a second rating of the same resolution 409.
   * csat.submitted carries the rating, never the comment. A rating of 1–2 reopens a ticket still resolved
   * at that resolution (whatever the reopen window) and gives it to the queue's lead.
   */
  async submitCsat(id: string, token: string, request: CsatRequest): Promise<CsatRecord> {
    const now = new Date();
    const grant = this.csatLinks.verify(token, id, now);
    if (!grant) throw csatLinkInvalid();
    return this.dataSource.transaction(async (manager) => {
      const ticket = await this.tickets.lock(manager, id);
      const request_ = ticket ? await this.tickets.lockCsat(manager, id, grant.resolution) : undefined;
      if (!ticket || !request_ || request_.expiresAt.getTime() <= now.getTime()) throw csatLinkInvalid();
      if (request_.submittedAt !== null)
        throw new TicketsException(
          TicketsErrorCode.CsatAlreadySubmitted,
          `Resolution ${grant.resolution} of this ticket was rated already`,
        );
      const answered = await this.tickets.answerCsat(manager, {
        ticketId: id,
        resolution: grant.resolution,
        rating: request.rating,
        comment: request.comment ?? null,
        at: now,
      });
      await this.tickets.appendHistory(manager, id, {
        at: now,
        actor: 'csat',
        kind: 'csat',
        rating: request.rating,
        text: request.comment ?? null,
      });
      const reopen =
        request.rating <= LOW_RATING && ticket.status === 'resolved' && ticket.reopenedCount + 1 === grant.resolution;
      const events: PendingEvent[] = [csatSubmittedEvent(ticket, answered, reopen)];
      if (reopen) {
        const lead = await this.queues.leadOf(manager, ticket.queue);
        const moved = await this.move(
          manager,
          ticket,
          'reopened',
          now,
          'csat',
          `Reopened by a low CSAT rating (${request.rating}) for the queue's lead`,
          lead !== null && lead !== ticket.assignee ? { assignee: lead } : {},
        );
        events.push(...moved.events);
        if (moved.ticket.assignee !== ticket.assignee) {
          await this.tickets.appendHistory(manager, id, {
            at: now,
            actor: 'csat',
            kind: 'updated',
            changedFields: ['assignee'],
          });
          events.push(ticketUpdatedEvent(moved.ticket, ['assignee'], 'csat'));
        }
      }
      await this.outbox.addMany(manager, events);
      return answered;
    });
  }

  /** Where the process allows the ticket to move now, and its CSAT. */
  private async stateOf(ticket: TicketRecord): Promise<TicketState> {
    return (await this.statesOf([ticket]))[0]!;
  }

  private async statesOf(tickets: TicketRecord[]): Promise<TicketState[]> {
    const now = new Date();
    const csat = await this.tickets.csatOf(
      tickets.map((t) => t.id),
      now,
    );
    return tickets.map((ticket) => {
      const { pending, last } = csat.get(ticket.id) ?? NO_CSAT;
      const open = pending !== null && ticket.status === 'resolved' && pending.resolution === ticket.reopenedCount + 1;
      return {
        ticket,
        allowed: this.process.allowed(ticket, now),
        csatLink: open ? this.csatLinks.link(pending) : null,
        lastCsat: last,
      };
    });
  }

  private async move(
    manager: EntityManager,
    current: TicketRecord,
    to: TicketStatus,
    now: Date,
    actor: string,
    note: string | undefined,
    also: Pick<TicketChanges, 'assignee'> = {},
  ): Promise<{ ticket: TicketRecord; events: PendingEvent[] }> {
    const changes: TicketChanges = { ...also, status: to };
    if (to === 'resolved') {
      changes.resolvedAt = now;
      // every resolution asks the customer for a rating once: the first is 1, one after a reopening 2, …
      await this.tickets.requestCsat(manager, {
        ticketId: current.id,
        resolution: current.reopenedCount + 1,
        requestedAt: now,
        expiresAt: new Date(now.getTime() + this.ticketsConfig.CSAT_LINK_TTL_DAYS * DAY_MS),
      });
    }
    if (to === 'closed') changes.closedAt = now;
    if (to === 'reopened') {
      changes.reopenedCount = current.reopenedCount + 1;
      changes.resolvedAt = null;
    }
    const changed = await this.tickets.change(manager, current.id, changes, now);
    await this.slaService.recompute(manager, changed, now, { from: current.status, to });
    await this.tickets.appendHistory(manager, current.id, {
      at: now,
      actor,
      kind: 'transition',
      fromStatus: current.status,
      toStatus: to,
      text: note ?? null,
    });
    return { ticket: changed, events: [ticketTransitionedEvent(changed, current.status, actor)] };
  }

  /** Locks a ticket the caller may see (404 otherwise), applies the change and writes its events, in one transaction. */
  private async changing(
    id: string,
    caller: CallerIdentity,
    apply: (
      manager: EntityManager,
      current: TicketRecord,
      now: Date,
    ) => Promise<TicketRecord | { ticket: TicketRecord; events: PendingEvent[] }>,
  ): Promise<TicketRecord> {
    return this.dataSource.transaction(async (manager) => {
      const visibility: TicketVisibility = ticketVisibility(caller);
      const current = await this.tickets.lockVisible(manager, id, visibility);
      if (!current) throw ticketNotFound(id);
      const outcome = await apply(manager, current, new Date());
      if ('events' in outcome) {
        await this.outbox.addMany(manager, outcome.events);
        return outcome.ticket;
      }
      return outcome;
    });
  }

  /**
   * The team of a new ticket: the one given, or the caller's. Agents and managers open tickets for
   * their own team only (they could not see another team's).
   */
  private teamFor(requested: string | undefined, caller: CallerIdentity): string {
    const visibility = ticketVisibility(caller);
    const team = requested ?? caller.team;
    if (!team)
      throw TicketsException.onField(
        TicketsErrorCode.TeamRequired,
        'team is required for a caller without a team of their own',
        'team',
      );
    if (visibility.kind !== 'all' && team !== caller.team)
      throw TicketsException.onField(
        TicketsErrorCode.TeamNotYours,
        `team ${team} is not the caller's team; tickets are opened for one's own team`,
        'team',
      );
    return team;
  }
}

/**
 * The team that handles a new ticket. Routed by VIP or a match rule to a queue and assigned by it, the
 * ticket is that queue's team's (its manager and lead see it; the opener, of another team, does not).
 * A ticket the caller assigned, or one that fell back to general, stays with the requested team.
 */
function teamAfterRouting(requested: string, routing: RoutingOutcome, chosenAssignee: string | null): string {
  if (chosenAssignee !== null || routing.reason === 'fallback') return requested;
  return routing.queueTeam ?? requested;
}

/** One answer for every token that does not grant this rating: nothing tells a forger what was wrong. */
function csatLinkInvalid(): TicketsException {
  return new TicketsException(
    TicketsErrorCode.CsatLinkInvalid,
    'This rating link is not valid (forged, expired, or for another ticket)',
  );
}
