import { z } from 'zod';
import { defineEvent } from '../event-definition';
import {
  ROUTING_REASONS,
  SLA_ESCALATION_ACTIONS,
  SLA_TARGET_KINDS,
  TICKET_CHANNELS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TICKET_TYPES,
} from '../tickets';

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
    /** The queue routing chose (vip for a VIP customer, else the first matching queue, else general). */
    queue: z.string().min(1).max(63),
    /** Why it went there: vip, a queue's match rule, or the fallback. */
    routedBy: z.enum(ROUTING_REASONS),
    /** The customer was a VIP when the ticket came in (loyalty's top tier or analytics value tier A). */
    vip: z.boolean(),
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

export const CsatSubmittedV1 = defineEvent({
  type: 'rapport.service-desk.csat.submitted.v1',
  source: 'service-desk',
  topic: 'tickets',
  description:
    'The customer rated a resolution of a ticket (1–5) through its signed link; the comment stays in service-desk.',
  schema: z.object({
    ticketId: z.uuid(),
    customerId: z.uuid(),
    /** Which resolution of the ticket was rated (1 for the first, 2 after one reopening, …). */
    resolution: z.number().int().positive(),
    rating: z.number().int().min(1).max(5),
    /** A low rating (1–2) reopened the ticket for the queue's lead. */
    reopened: z.boolean(),
    submittedAt: isoTime,
  }),
});

const slaTarget = z.enum(SLA_TARGET_KINDS);

export const SlaWarningV1 = defineEvent({
  type: 'rapport.service-desk.sla.warning.v1',
  source: 'service-desk',
  topic: 'tickets',
  description: "A ticket's SLA clock passed an escalation level (a percent of its target) before its due time.",
  schema: z.object({
    ticketId: z.uuid(),
    customerId: z.uuid(),
    target: slaTarget,
    atPercent: z.number().int().min(1).max(100),
    due: isoTime,
    priority: z.enum(TICKET_PRIORITIES),
    queue: z.string().max(63).nullable(),
    assignee: z.string().max(200).nullable(),
    firedAt: isoTime,
  }),
});

export const SlaBreachedV1 = defineEvent({
  type: 'rapport.service-desk.sla.breached.v1',
  source: 'service-desk',
  topic: 'tickets',
  description: "A ticket's SLA target (first response or resolution) passed its due time unmet.",
  schema: z.object({
    ticketId: z.uuid(),
    customerId: z.uuid(),
    target: slaTarget,
    due: isoTime,
    priority: z.enum(TICKET_PRIORITIES),
    queue: z.string().max(63).nullable(),
    assignee: z.string().max(200).nullable(),
    firedAt: isoTime,
  }),
});

export const TicketEscalatedV1 = defineEvent({
  type: 'rapport.service-desk.ticket.escalated.v1',
  source: 'service-desk',
  topic: 'tickets',
  description:
    "An SLA escalation level acted on a ticket: its priority raised one step or it was given to the queue's lead.",
  schema: z.object({
    ticketId: z.uuid(),
    customerId: z.uuid(),
    target: slaTarget,
    atPercent: z.number().int().min(1).max(100),
    action: z.enum(SLA_ESCALATION_ACTIONS),
    priority: z.enum(TICKET_PRIORITIES),
    assignee: z.string().max(200).nullable(),
    version: z.number().int().positive(),
    firedAt: isoTime,
  }),
});
