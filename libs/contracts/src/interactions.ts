/** The values of interaction's log and follow-ups, shared by its API, its events and the service. */
export const INTERACTION_CHANNELS = [
  'phone',
  'email',
  'sms',
  'wechat',
  'weibo',
  'chat',
  'meeting',
  'visit',
  'web-form',
] as const;
export const INTERACTION_DIRECTIONS = ['inbound', 'outbound'] as const;
/**
 * A follow-up as a caller sees it: open (due later), overdue (its due time passed undone), snoozed (put
 * off to a later due time, not yet reached) or done. Only done and snoozed are stored; overdue follows
 * from the due time, so it never lags behind the clock.
 */
export const FOLLOW_UP_STATUSES = ['open', 'overdue', 'snoozed', 'done'] as const;
/** The list's due filter: today is the calendar day of the follow-ups' business calendar. */
export const FOLLOW_UP_DUE_FILTERS = ['today'] as const;
/** The two timers of a follow-up: the reminder before its due time, and overdue at it. */
export const FOLLOW_UP_TIMER_KINDS = ['due', 'overdue'] as const;

export type InteractionChannel = (typeof INTERACTION_CHANNELS)[number];
export type InteractionDirection = (typeof INTERACTION_DIRECTIONS)[number];
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];
export type FollowUpDueFilter = (typeof FOLLOW_UP_DUE_FILTERS)[number];
export type FollowUpTimerKind = (typeof FOLLOW_UP_TIMER_KINDS)[number];

/** What ends a cadence enrolment early: the customer replied (an inbound contact), bought, or withdrew marketing consent. */
export const CADENCE_STOP_CONDITIONS = ['replied', 'purchased', 'consent-withdrawn'] as const;
/** An enrolment runs until stopped; completed once every step's follow-up is done (computed when read). */
export const CADENCE_ENROLMENT_STATUSES = ['active', 'completed', 'stopped'] as const;
/** A cadence's name: lower-case letters, digits and dashes. */
export const CADENCE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export type CadenceStopCondition = (typeof CADENCE_STOP_CONDITIONS)[number];
export type CadenceEnrolmentStatus = (typeof CADENCE_ENROLMENT_STATUSES)[number];

/** The lifecycle stages of customer-profile (lifecycle.changed) a cadence can start on. */
const CADENCE_LIFECYCLE_STAGES = ['prospect', 'new', 'active', 'loyal', 'at_risk', 'churned', 'won_back'] as const;
/**
 * How a cadence starts: by hand only (manual), or also when a customer moves to a lifecycle stage
 * (`lifecycle:at_risk` for a win-back), for the customer's owner.
 */
export const CADENCE_TRIGGERS = ['manual', ...CADENCE_LIFECYCLE_STAGES.map((s) => `lifecycle:${s}` as const)] as const;
export type CadenceTrigger = (typeof CADENCE_TRIGGERS)[number];
