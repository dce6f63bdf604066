import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TICKET_PRIORITIES, type TicketPriority } from '@rapport/contracts';
import { OutboxWriter, type PendingEvent } from '@rapport/platform-messaging';
import type { Logger } from '@rapport/platform-observability';
import { IntervalRunner, LOGGER } from '@rapport/platform-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { TeamsRepository } from '../teams/teams.repository';
import { QueuesService } from '../queues/queues.service';
import { SERVICE_DESK_CONFIG, type ServiceDeskConfig } from '../service-desk.config';
import { slaBreaches, slaEscalations, slaWarnings } from '../service-desk.metrics';
import { ticketUpdatedEvent } from '../tickets/ticket-events';
import { TicketsRepository, type TicketChanges } from '../tickets/tickets.repository';
import { slaBreachedEvent, slaWarningEvent, ticketEscalatedEvent, type Firing } from './sla-events';
import { SlaRepository, type ClaimedTimer } from './sla.repository';
import { SlaService } from './sla.service';

/** Timers fired per transaction. */
const FIRE_BATCH = 200;
const ACTOR = 'sla';
/** The time a tick spends at most on recomputing stale tickets (a firing is then at most this late, plus a tick). */
const RECOMPUTE_BUDGET_MS = 5_000;

export interface TickOutcome {
  fired: number;
  recomputed: number;
}

/**
 * Fires the SLA timers that are due (warnings, breaches and escalations), every SERVICE_DESK_SLA_TICK_MS,
 * then recomputes the tickets a policy or calendar change left stale. Exactly once across replicas and
 * restarts: a tick claims due timers with their tickets' row locks (`FOR UPDATE … SKIP LOCKED`, so two
 * replicas never take the same one) and, in the same transaction, marks them fired, applies the
 * escalation with its history entry and writes the events to the outbox. Rolled back, nothing fired.
 */
@Injectable()
export class SlaScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: IntervalRunner;
  private readonly interval: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sla: SlaRepository,
    private readonly slaService: SlaService,
    private readonly tickets: TicketsRepository,
    private readonly queues: QueuesService,
    private readonly teams: TeamsRepository,
    private readonly outbox: OutboxWriter,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(SERVICE_DESK_CONFIG) config: ServiceDeskConfig,
  ) {
    this.interval = config.SERVICE_DESK_SLA_TICK_MS;
    this.runner = new IntervalRunner(
      async () => {
        const started = Date.now();
        const outcome = await this.tick(new Date());
        if (outcome.fired > 0 || outcome.recomputed > 0)
          this.log.info({ ...outcome, ms: Date.now() - started }, 'sla tick');
      },
      (error) => this.log.warn({ err: error }, 'sla tick failed; the next tick retries'),
    );
  }

  onApplicationBootstrap(): void {
    this.runner.start(this.interval);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  /** One tick at `now`: fires what is due by then, then recomputes stale tickets. Public for tests and the bench. */
  async tick(now: Date): Promise<TickOutcome> {
    let fired = 0;
    for (;;) {
      const claimed = await this.dataSource.transaction(async (manager) => {
        const timers = await this.sla.claimDue(manager, now, FIRE_BATCH);
        const events: PendingEvent[] = [];
        for (const timer of timers) events.push(...(await this.fire(manager, timer, now)));
        await this.outbox.addMany(manager, events);
        return timers.length;
      });
      fired += claimed;
      if (claimed < FIRE_BATCH) break;
    }
    // the rest of a large recompute goes to the next ticks, so that due timers fire within the bound
    return { fired, recomputed: await this.slaService.recomputeStale(now, RECOMPUTE_BUDGET_MS) };
  }

  private async fire(manager: EntityManager, timer: ClaimedTimer, now: Date): Promise<PendingEvent[]> {
    const ticket = await this.sla.ticket(manager, timer.ticketId);
    // an erased ticket has no customer to key its events by: its timers end silently
    if (!ticket || ticket.customerId === null) return [];
    const firing: Firing = {
      ticket: { ...ticket, customerId: ticket.customerId },
      target: timer.target,
      atPercent: timer.level,
      due: timer.level === 100 ? timer.fireAt : await this.dueOf(manager, timer),
      firedAt: now,
    };
    const events: PendingEvent[] = [];
    if (timer.level < 100) {
      await this.sla.flag(manager, ticket.id, 'warned');
      events.push(slaWarningEvent(firing));
      slaWarnings.inc({ target: timer.target });
    } else {
      await this.sla.flag(manager, ticket.id, 'breached');
      events.push(slaBreachedEvent(firing));
      slaBreaches.inc({ target: timer.target });
    }
    const changes: TicketChanges = {};
    if (timer.action === 'raise-priority') {
      const raised = raise(ticket.priority);
      if (raised !== ticket.priority) changes.priority = raised;
    }
    if (timer.action === 'reassign-to-lead' || timer.action === 'reassign-to-manager') {
      const to =
        timer.action === 'reassign-to-lead'
          ? await this.queues.leadOf(manager, ticket.queue)
          : await this.teams.managerOf(manager, ticket.team);
      if (to !== null && to !== ticket.assignee) changes.assignee = to;
    }
    const changedFields = Object.keys(changes);
    if (changedFields.length === 0) return events;
    const changed = await this.tickets.change(manager, ticket.id, changes, now);
    await this.tickets.appendHistory(manager, ticket.id, {
      at: now,
      actor: ACTOR,
      kind: 'updated',
      changedFields,
      text: `SLA escalation: ${timer.action} at ${timer.level} % of the ${timer.target} target`,
    });
    events.push(ticketEscalatedEvent(firing, timer.action, changed), ticketUpdatedEvent(changed, changedFields, ACTOR));
    slaEscalations.inc({ action: timer.action });
    // a new priority has other targets
    if (changes.priority) await this.slaService.recompute(manager, changed, now);
    return events;
  }

  private async dueOf(manager: EntityManager, timer: ClaimedTimer): Promise<Date> {
    const state = await this.sla.find(timer.ticketId, manager);
    const due = timer.target === 'first-response' ? state?.firstResponseDue : state?.resolutionDue;
    return due ?? timer.fireAt;
  }
}

/** One step up, urgent staying urgent. */
function raise(priority: TicketPriority): TicketPriority {
  return TICKET_PRIORITIES[Math.min(TICKET_PRIORITIES.indexOf(priority) + 1, TICKET_PRIORITIES.length - 1)]!;
}
