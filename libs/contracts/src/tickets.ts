/** The values of a service-desk ticket, shared by its API, its events and the service. */
export const TICKET_TYPES = ['complaint', 'inquiry', 'request', 'feedback'] as const;
export const TICKET_CHANNELS = ['phone', 'email', 'sms', 'wechat', 'weibo', 'chat', 'visit', 'web-form'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
/** The complaint process; service-desk's TicketProcess says which move is allowed from where. */
export const TICKET_STATUSES = [
  'received',
  'acknowledged',
  'investigating',
  'pending-customer',
  'resolved',
  'reopened',
  'closed',
] as const;
/** The statuses of an open ticket (neither resolved nor closed), in the process's order. */
export const OPEN_TICKET_STATUSES = [
  'received',
  'acknowledged',
  'investigating',
  'pending-customer',
  'reopened',
] as const;
export const TICKET_HISTORY_KINDS = ['created', 'updated', 'transition', 'reply', 'note', 'csat'] as const;
/** How a queue hands its new tickets to its members; manual leaves them unassigned (the queue's pool). */
export const QUEUE_ASSIGNMENTS = ['round-robin', 'least-loaded', 'manual'] as const;
/** Why a new ticket went to its queue. */
export const ROUTING_REASONS = ['vip', 'match', 'fallback'] as const;
/** A queue's name: lower-case letters, digits and dashes (it is a path segment). */
export const QUEUE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export type TicketType = (typeof TICKET_TYPES)[number];
export type TicketChannel = (typeof TICKET_CHANNELS)[number];
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type OpenTicketStatus = (typeof OPEN_TICKET_STATUSES)[number];
export type TicketHistoryKind = (typeof TICKET_HISTORY_KINDS)[number];
export type QueueAssignment = (typeof QUEUE_ASSIGNMENTS)[number];
export type RoutingReason = (typeof ROUTING_REASONS)[number];

/** SLA policies: the customer's value tier of a target cell (VIP before its tier; none for a customer without a tier). */
export const SLA_TIERS = ['VIP', 'A', 'B', 'C', 'none'] as const;
/** The two clocks of a ticket's SLA. */
export const SLA_TARGET_KINDS = ['first-response', 'resolution'] as const;
/**
 * What an escalation level does when it fires: notify only, raise the priority one step, reassign to the
 * queue's lead, or to the manager of the ticket's team (GET /api/v1/service-desk/teams).
 */
export const SLA_ESCALATION_ACTIONS = ['notify', 'raise-priority', 'reassign-to-lead', 'reassign-to-manager'] as const;
/** The list filter: at-risk is a warning fired (or past the first escalation's percent) and not yet breached. */
export const SLA_FILTERS = ['at-risk', 'breached'] as const;

export type SlaTier = (typeof SLA_TIERS)[number];
export type SlaTargetKind = (typeof SLA_TARGET_KINDS)[number];
export type SlaEscalationAction = (typeof SLA_ESCALATION_ACTIONS)[number];
export type SlaFilter = (typeof SLA_FILTERS)[number];
