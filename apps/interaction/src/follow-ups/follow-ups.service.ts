import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type {
  CompleteFollowUpRequest,
  CreateFollowUpRequest,
  InteractionChannel,
  ListFollowUpsQuery,
  SnoozeFollowUpRequest,
} from '@rapport/contracts';
import { OutboxWriter } from '@rapport/platform-messaging';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { CustomerRefsRepository } from '../customer-refs/customer-refs.repository';
import type { InteractionRecord } from '../interactions/interactions.repository';
import { InteractionsService } from '../interactions/interactions.service';
import { decodePosition, encodePosition } from '../shared/cursor';
import { FollowUpCalendar } from '../shared/follow-up-calendar';
import { rowVisibility } from '../shared/row-visibility';
import { followUpCompletedEvent, followUpCreatedEvent, followUpSnoozedEvent } from './follow-up-events';
import { followUpNotFound, FollowUpsErrorCode, FollowUpsException } from './follow-ups.exception';
import { FollowUpsRepository, type FollowUpPosition, type FollowUpRecord } from './follow-ups.repository';

const SORT = 'dueAt';
/** A due time is planned at most this far ahead (the calendar's arithmetic and the reminders stay in range). */
const HORIZON_MS = 5 * 366 * 86_400_000;
const EARLIEST = Date.parse('2000-01-01T00:00:00Z');

export interface FollowUpPage {
  items: FollowUpRecord[];
  nextCursor: string | null;
}

/**
 * Follow-ups: who contacts a customer by when. Each due time has two durable timers (the reminder and
 * overdue), written with the follow-up; completing or snoozing one settles its timers, records what
 * happened and writes its event, all in one transaction.
 */
@Injectable()
export class FollowUpsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly followUps: FollowUpsRepository,
    private readonly customers: CustomerRefsRepository,
    private readonly interactions: InteractionsService,
    private readonly calendar: FollowUpCalendar,
    private readonly outbox: OutboxWriter,
  ) {}

  async create(request: CreateFollowUpRequest, caller: CallerIdentity): Promise<FollowUpRecord> {
    const now = new Date();
    const dueAt = this.dueTime(new Date(request.dueAt), now, 'dueAt');
    const who = this.assignment(request, caller);
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.customers.holdKnown(manager, request.customerId)))
        throw FollowUpsException.onField(
          FollowUpsErrorCode.CustomerUnknown,
          `Customer ${request.customerId} is not known to interaction`,
          'customerId',
        );
      return this.plan(
        manager,
        { customerId: request.customerId, ...who, channel: request.channel, dueAt, note: request.note ?? null },
        caller,
        now,
      );
    });
  }

  /**
   * Who works a follow-up: the assignee (default the caller) and team (default the caller's). An agent
   * plans for themselves and a manager for their own team (422 otherwise); admins for anyone.
   */
  assignment(request: { assignee?: string | undefined; team?: string | undefined }, caller: CallerIdentity) {
    const visibility = rowVisibility(caller);
    const team = request.team ?? caller.team ?? null;
    const assignee = request.assignee ?? caller.sub;
    if (visibility.kind !== 'all') {
      if (team === null)
        throw FollowUpsException.onField(
          FollowUpsErrorCode.TeamRequired,
          'team is required for a caller without a team of their own',
          'team',
        );
      if (team !== caller.team)
        throw FollowUpsException.onField(
          FollowUpsErrorCode.TeamNotYours,
          `team ${team} is not the caller's team; follow-ups are planned for one's own team`,
          'team',
        );
      if (visibility.kind === 'own' && assignee !== caller.sub)
        throw FollowUpsException.onField(
          FollowUpsErrorCode.AssigneeNotYou,
          'an agent plans follow-ups for themselves; a manager assigns them to others',
          'assignee',
        );
    }
    return { assignee, team };
  }

  /**
   * Writes a follow-up of a known customer in the caller's transaction: the row, the timers of its due
   * time and follow-up.created. Planning by hand and cadence enrolments both come through here.
   */
  async plan(
    manager: EntityManager,
    followUp: {
      customerId: string;
      assignee: string;
      team: string | null;
      channel: InteractionChannel;
      dueAt: Date;
      note: string | null;
      enrolmentId?: string;
      stepIndex?: number;
    },
    caller: CallerIdentity,
    now: Date,
  ): Promise<FollowUpRecord> {
    const created = await this.followUps.insert(manager, {
      id: randomUUID(),
      ...followUp,
      remindAt: this.calendar.remindAt(followUp.dueAt),
      createdBy: caller.sub,
      createdAt: now,
    });
    await this.followUps.schedule(manager, created, now);
    await this.outbox.addMany(manager, [followUpCreatedEvent(created, caller.sub)]);
    return created;
  }

  async get(id: string, caller: CallerIdentity): Promise<FollowUpRecord> {
    const found = await this.followUps.findVisible(id, rowVisibility(caller));
    if (!found) throw followUpNotFound(id);
    return found;
  }

  /** The follow-ups the caller may see, earliest due first (keyset paged). */
  async list(query: ListFollowUpsQuery, caller: CallerIdentity, now: Date): Promise<FollowUpPage> {
    const limit = query.limit ?? 50;
    let after: FollowUpPosition | undefined;
    if (query.cursor) {
      const position = decodePosition(query.cursor, SORT);
      if (!position)
        throw FollowUpsException.onField(
          FollowUpsErrorCode.InvalidCursor,
          'cursor is not a cursor of this list',
          'cursor',
        );
      after = { dueAt: position.at, id: position.id };
    }
    const { records, lastKey } = await this.followUps.list(
      {
        assignee: query.assignee === 'me' ? caller.sub : query.assignee,
        status: query.status,
        customerId: query.customerId,
        dueOn:
          query.due === 'today'
            ? { date: calendarDate(now, this.calendar.timeZone), timeZone: this.calendar.timeZone }
            : undefined,
      },
      rowVisibility(caller),
      now,
      after,
      limit,
    );
    const last = records[records.length - 1];
    return {
      items: records,
      nextCursor:
        records.length === limit && last && lastKey ? encodePosition(SORT, { at: lastKey, id: last.id }) : null,
    };
  }

  /**
   * Done: the contact is recorded as an interaction linked to the follow-up (interaction.logged), the
   * follow-up completed (follow-up.completed) and its timers that had not fired cancelled, in one transaction.
   */
  async complete(
    id: string,
    request: CompleteFollowUpRequest,
    caller: CallerIdentity,
  ): Promise<{ followUp: FollowUpRecord; interaction: InteractionRecord }> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.followUps.lockVisible(manager, id, rowVisibility(caller));
      if (!current) throw followUpNotFound(id);
      if (current.completedAt !== null)
        throw new FollowUpsException(FollowUpsErrorCode.AlreadyDone, `Follow-up ${id} is done already`, {
          completedAt: current.completedAt.toISOString(),
          interactionId: current.interactionId,
        });
      const now = new Date();
      const interaction = await this.interactions.record(
        manager,
        {
          customerId: current.customerId,
          channel: request.channel ?? current.channel,
          direction: request.direction,
          occurredAt: request.occurredAt,
          summary: request.summary,
          outcome: request.outcome,
          durationSeconds: request.durationSeconds,
          followUpId: current.id,
        },
        caller,
        now,
      );
      const done = await this.followUps.complete(manager, id, interaction.id, now);
      await this.followUps.cancelPending(manager, id);
      await this.outbox.addMany(manager, [followUpCompletedEvent(done, caller.sub)]);
      return { followUp: done, interaction };
    });
  }

  /**
   * Put off to a new due time (`until`, or `businessMinutes` from now on the follow-ups' calendar): the
   * timers of the old due time that had not fired go, the new one's are written, so its reminder and
   * overdue fire (once) for the new time.
   */
  async snooze(id: string, request: SnoozeFollowUpRequest, caller: CallerIdentity): Promise<FollowUpRecord> {
    if ((request.until === undefined) === (request.businessMinutes === undefined))
      throw FollowUpsException.onField(
        FollowUpsErrorCode.SnoozeAmbiguous,
        'Send either until or businessMinutes, not both and not neither',
        'until',
      );
    return this.dataSource.transaction(async (manager) => {
      const current = await this.followUps.lockVisible(manager, id, rowVisibility(caller));
      if (!current) throw followUpNotFound(id);
      if (current.completedAt !== null)
        throw new FollowUpsException(FollowUpsErrorCode.AlreadyDone, `Follow-up ${id} is done: it cannot be snoozed`, {
          completedAt: current.completedAt.toISOString(),
        });
      const now = new Date();
      let dueAt: Date;
      if (request.until !== undefined) {
        dueAt = new Date(request.until);
        if (dueAt.getTime() <= now.getTime())
          throw FollowUpsException.onField(
            FollowUpsErrorCode.SnoozeInPast,
            `until ${request.until} is not in the future`,
            'until',
          );
        dueAt = this.dueTime(dueAt, now, 'until');
      } else dueAt = this.calendar.addBusinessMinutes(now, request.businessMinutes!);
      const snoozed = await this.followUps.snooze(manager, id, dueAt, this.calendar.remindAt(dueAt), now);
      await this.followUps.cancelPending(manager, id);
      await this.followUps.schedule(manager, snoozed, now);
      await this.outbox.addMany(manager, [followUpSnoozedEvent(snoozed, current.dueAt, caller.sub)]);
      return snoozed;
    });
  }

  private dueTime(dueAt: Date, now: Date, field: string): Date {
    if (dueAt.getTime() < EARLIEST)
      throw FollowUpsException.onField(FollowUpsErrorCode.DueTooEarly, `${field} is before 2000`, field);
    if (dueAt.getTime() > now.getTime() + HORIZON_MS)
      throw FollowUpsException.onField(FollowUpsErrorCode.DueTooFar, `${field} is more than five years ahead`, field);
    return dueAt;
  }
}

/** The calendar date (YYYY-MM-DD) of `at` in `timeZone`. */
export function calendarDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
