import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type {
  CustomerTimelineQuery,
  InteractionChannel,
  InteractionDirection,
  ListInteractionsQuery,
  LogInteractionRequest,
} from '@rapport/contracts';
import { OutboxWriter } from '@rapport/platform-messaging';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { CustomerRefsRepository } from '../customer-refs/customer-refs.repository';
import { decodePosition, encodePosition } from '../shared/cursor';
import { rowVisibility, type RowVisibility } from '../shared/row-visibility';
import { interactionLoggedEvent } from './interaction-events';
import { InteractionsErrorCode, InteractionsException } from './interactions.exception';
import {
  InteractionsRepository,
  type InteractionFilters,
  type InteractionRecord,
  type TimelinePosition,
} from './interactions.repository';

/** An occurredAt this far ahead of the service's clock is still taken as now (the caller's clock may run fast). */
export const CLOCK_SKEW_MS = 60_000;
/** Nothing is recorded as happening before this (a typo in the year, not a contact). */
const EARLIEST = Date.parse('2000-01-01T00:00:00Z');
const SORT = '-occurredAt';
/** The instants a list's range may name (PostgreSQL takes more; nothing is recorded outside these). */
const RANGE_FROM = Date.parse('1970-01-01T00:00:00Z');
const RANGE_TO = Date.parse('2199-12-31T23:59:59Z');

/** A contact to record, from the API or from completing a follow-up. */
export interface NewInteraction {
  customerId: string;
  channel: InteractionChannel;
  direction: InteractionDirection;
  occurredAt?: string | undefined;
  agent?: string | undefined;
  summary?: string | undefined;
  outcome?: string | undefined;
  durationSeconds?: number | undefined;
  ticketId?: string | undefined;
  campaignId?: string | undefined;
  followUpId?: string | undefined;
}

export interface InteractionPage {
  items: InteractionRecord[];
  nextCursor: string | null;
}

/**
 * The interaction log: every contact with a customer, in one timeline. A contact is written with its
 * interaction.logged event in one transaction (the outbox).
 */
@Injectable()
export class InteractionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly interactions: InteractionsRepository,
    private readonly customers: CustomerRefsRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async log(customerId: string, request: LogInteractionRequest, caller: CallerIdentity): Promise<InteractionRecord> {
    return this.dataSource.transaction(async (manager) => {
      if (
        request.followUpId !== undefined &&
        !(await this.interactions.followUpOfCustomer(manager, request.followUpId, customerId))
      )
        throw InteractionsException.onField(
          InteractionsErrorCode.FollowUpNotOfCustomer,
          `Follow-up ${request.followUpId} is not a follow-up of customer ${customerId}`,
          'followUpId',
        );
      return this.record(manager, { ...request, customerId }, caller, new Date());
    });
  }

  /**
   * Records a contact in the caller's transaction, with its event: the customer must be known to
   * interaction (422) and the contact not in the future (422).
   */
  async record(
    manager: EntityManager,
    input: NewInteraction,
    caller: CallerIdentity,
    now: Date,
  ): Promise<InteractionRecord> {
    const occurredAt = input.occurredAt ? new Date(input.occurredAt) : now;
    if (occurredAt.getTime() > now.getTime() + CLOCK_SKEW_MS)
      throw InteractionsException.onField(
        InteractionsErrorCode.OccurredInFuture,
        `occurredAt ${input.occurredAt} is in the future`,
        'occurredAt',
      );
    if (occurredAt.getTime() < EARLIEST)
      throw InteractionsException.onField(
        InteractionsErrorCode.OccurredTooEarly,
        `occurredAt ${input.occurredAt} is before 2000`,
        'occurredAt',
      );
    if (!(await this.customers.holdKnown(manager, input.customerId)))
      throw InteractionsException.onField(
        InteractionsErrorCode.CustomerUnknown,
        `Customer ${input.customerId} is not known to interaction`,
        'customerId',
      );
    const recorded = await this.interactions.insert(manager, {
      id: randomUUID(),
      customerId: input.customerId,
      channel: input.channel,
      direction: input.direction,
      occurredAt: occurredAt.getTime() > now.getTime() ? now : occurredAt,
      agent: input.agent ?? caller.sub,
      team: caller.team ?? null,
      summary: input.summary ?? null,
      outcome: input.outcome ?? null,
      durationSeconds: input.durationSeconds ?? null,
      ticketId: input.ticketId ?? null,
      campaignId: input.campaignId ?? null,
      followUpId: input.followUpId ?? null,
      loggedBy: caller.sub,
      loggedAt: now,
    });
    await this.outbox.addMany(manager, [interactionLoggedEvent(recorded)]);
    return recorded;
  }

  /** The customer's timeline, newest first: every contact, whoever had it. */
  async timeline(customerId: string, query: CustomerTimelineQuery): Promise<InteractionPage> {
    return this.page({ customerId, channel: query.channel }, { kind: 'all' }, query);
  }

  /** Contacts across customers, newest first, as the row rule lets the caller see them. */
  async list(query: ListInteractionsQuery, caller: CallerIdentity): Promise<InteractionPage> {
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    for (const [field, at] of [
      ['from', from],
      ['to', to],
    ] as const)
      if (at && (at.getTime() < RANGE_FROM || at.getTime() > RANGE_TO))
        throw InteractionsException.onField(
          InteractionsErrorCode.InvalidRange,
          `${field} must be between 1970 and 2199`,
          field,
        );
    if (from && to && from.getTime() >= to.getTime())
      throw InteractionsException.onField(InteractionsErrorCode.InvalidRange, 'from must be before to', 'to');
    const agent = query.agent === 'me' ? caller.sub : query.agent;
    return this.page({ channel: query.channel, agent, from, to }, rowVisibility(caller), query);
  }

  private async page(
    filters: InteractionFilters,
    visibility: RowVisibility,
    query: { limit?: number | undefined; cursor?: string | undefined },
  ): Promise<InteractionPage> {
    const limit = query.limit ?? 50;
    let after: TimelinePosition | undefined;
    if (query.cursor) {
      const position = decodePosition(query.cursor, SORT);
      if (!position)
        throw InteractionsException.onField(
          InteractionsErrorCode.InvalidCursor,
          'cursor is not a cursor of this list',
          'cursor',
        );
      after = { occurredAt: position.at, id: position.id };
    }
    const { records, lastKey } = await this.interactions.list(filters, visibility, after, limit);
    const last = records[records.length - 1];
    return {
      items: records,
      nextCursor:
        records.length === limit && last && lastKey ? encodePosition(SORT, { at: lastKey, id: last.id }) : null,
    };
  }
}
