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
export type TicketHistoryKind = (typeof TICKET_HISTORY_KINDS)[number];
export type QueueAssignment = (typeof QUEUE_ASSIGNMENTS)[number];
export type RoutingReason = (typeof ROUTING_REASONS)[number];
