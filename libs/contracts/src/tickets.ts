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
export const TICKET_HISTORY_KINDS = ['created', 'updated', 'transition', 'reply', 'note'] as const;

export type TicketType = (typeof TICKET_TYPES)[number];
export type TicketChannel = (typeof TICKET_CHANNELS)[number];
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type TicketHistoryKind = (typeof TICKET_HISTORY_KINDS)[number];
