import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { TICKET_CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from '../tickets';

/**
 * Events published by service-desk on its tickets stream, keyed by the customer id so that a
 * customer's tickets stay in order. No ticket text travels: subject, description and replies are the
 * customer's words and stay in service-desk (read them through the API, audited).
 */
const isoTime = z.iso.datetime({ offset: true });
const status = z.enum(TICKET_STATUSES);
/** Who did it: a user's subject or a client's id (never a customer's personal data). */
const actor = z.string().min(1).max(200);

export const TicketCreatedV1 = defineEvent({
  type: 'rapport.service-desk.ticket.created.v1',
  source: 'service-desk',
  topic: 'tickets',
  description: 'A ticket (complaint, inquiry, request or feedback) was received.',
  schema: z.object({
    ticketId: z.uuid(),
    customerId: z.uuid(),
    type: z.enum(TICKET_TYPES),
    channel: z.enum(TICKET_CHANNELS),
    priority: z.enum(TICKET_PRIORITIES),
    category: z.string().max(100).nullable(),
    team: z.string().min(1).max(100),
    assignee: z.string().max(200).nullable(),
    status,
    receivedAt: isoTime,
    createdAt: isoTime,
    actor,
  }),
});

export const TicketUpdatedV1 = defineEvent({
  type: 'rapport.service-desk.ticket.updated.v1',
  source: 'service-desk',
  topic: 'tickets',
  description: 'Fields of a ticket changed (the names of the fields; the new priority, category and assignee).',
  schema: z.object({
    ticketId: z.uuid(),
    customerId: z.uuid(),
    changedFields: z.array(z.string().min(1).max(50)).min(1).max(20),
    priority: z.enum(TICKET_PRIORITIES),
    category: z.string().max(100).nullable(),
    assignee: z.string().max(200).nullable(),
    version: z.number().int().positive(),
    updatedAt: isoTime,
    actor,
  }),
});

export const TicketTransitionedV1 = defineEvent({
  type: 'rapport.service-desk.ticket.transitioned.v1',
  source: 'service-desk',
  topic: 'tickets',
  description: 'A ticket moved in the complaint process (received → acknowledged → investigating → resolved → closed).',
  schema: z.object({
    ticketId: z.uuid(),
    customerId: z.uuid(),
    from: status,
    to: status,
    at: isoTime,
    actor,
    version: z.number().int().positive(),
    reopenedCount: z.number().int().nonnegative(),
  }),
});

export const TicketRepliedV1 = defineEvent({
  type: 'rapport.service-desk.ticket.replied.v1',
  source: 'service-desk',
  topic: 'tickets',
  description: 'An agent replied to the customer on a ticket (the text stays in service-desk).',
  schema: z.object({
    ticketId: z.uuid(),
    customerId: z.uuid(),
    at: isoTime,
    actor,
    /** The ticket's first reply: its first response time ends here. */
    first: z.boolean(),
    version: z.number().int().positive(),
  }),
});
