/** What an audit entry is about: its `resourceId` is a customer id, a segment id, a team's name, …. */
export const AUDIT_RESOURCE_TYPES = [
  'customer',
  'segment',
  'team',
  'programme',
  'reward',
  'coupon',
  'custom-field',
  'exchange-rate',
  'business-calendar',
  'sla-policy',
  'survey',
  'campaign',
  'analytics-rebuild',
  'clv-fit',
] as const;

export type AuditResourceType = (typeof AUDIT_RESOURCE_TYPES)[number];
