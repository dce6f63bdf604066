import {
  CsatSubmittedV1,
  TicketCreatedV1,
  TicketRepliedV1,
  TicketTransitionedV1,
  TicketUpdatedV1,
  type RoutingReason,
  type TicketStatus,
} from '@rapport/contracts';
import type { PendingEvent } from '@rapport/platform-messaging';
import type { CsatRecord, TicketRecord } from './tickets.repository';

/**
 * The ticket events as every path writes them, keyed by the customer id (the stream's order holds per
 * customer). No text of the customer travels.
 */
export function ticketCreatedEvent(
  ticket: TicketRecord,
  routedBy: RoutingReason,
  actor: string,
): PendingEvent<typeof TicketCreatedV1> {
  return {
    definition: TicketCreatedV1,
    subject: ticket.customerId,
    data: {
      ticketId: ticket.id,
      customerId: ticket.customerId,
      type: ticket.type,
      channel: ticket.channel,
      priority: ticket.priority,
      category: ticket.category,
      team: ticket.team,
      assignee: ticket.assignee,
      queue: ticket.queue ?? 'general',
      routedBy,
      vip: ticket.vip,
      status: ticket.status,
      receivedAt: ticket.receivedAt.toISOString(),
      createdAt: ticket.createdAt.toISOString(),
      actor,
    },
  };
}

export function ticketUpdatedEvent(
  ticket: TicketRecord,
  changedFields: string[],
  actor: string,
): PendingEvent<typeof TicketUpdatedV1> {
  return {
    definition: TicketUpdatedV1,
    subject: ticket.customerId,
    data: {
      ticketId: ticket.id,
      customerId: ticket.customerId,
      changedFields,
      priority: ticket.priority,
      category: ticket.category,
      assignee: ticket.assignee,
      version: ticket.version,
      updatedAt: ticket.updatedAt.toISOString(),
      actor,
    },
  };
}

export function ticketTransitionedEvent(
  ticket: TicketRecord,
  from: TicketStatus,
  actor: string,
): PendingEvent<typeof TicketTransitionedV1> {
  return {
    definition: TicketTransitionedV1,
    subject: ticket.customerId,
    data: {
      ticketId: ticket.id,
      customerId: ticket.customerId,
      from,
      to: ticket.status,
      at: ticket.updatedAt.toISOString(),
      actor,
      version: ticket.version,
      reopenedCount: ticket.reopenedCount,
    },
  };
}

export function ticketRepliedEvent(
  ticket: TicketRecord,
  first: boolean,
  actor: string,
): PendingEvent<typeof TicketRepliedV1> {
  return {
    definition: TicketRepliedV1,
    subject: ticket.customerId,
    data: {
      ticketId: ticket.id,
      customerId: ticket.customerId,
      at: ticket.updatedAt.toISOString(),
      actor,
      first,
      version: ticket.version,
    },
  };
}

/** The customer's rating of a resolution; the comment (their words) stays in service-desk. */
export function csatSubmittedEvent(
  ticket: TicketRecord,
  csat: CsatRecord,
  reopened: boolean,
): PendingEvent<typeof CsatSubmittedV1> {
  return {
    definition: CsatSubmittedV1,
    subject: ticket.customerId,
    data: {
      ticketId: ticket.id,
      customerId: ticket.customerId,
      resolution: csat.resolution,
      rating: csat.rating!,
      reopened,
      submittedAt: csat.submittedAt!.toISOString(),
    },
  };
}
