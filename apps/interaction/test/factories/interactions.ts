import type { CreateFollowUpRequest, LogInteractionRequest } from '@rapport/contracts';

/** A contact as an agent logs it: an outbound call, unless told otherwise. */
export const interactionRequest = (overrides: Partial<LogInteractionRequest> = {}): LogInteractionRequest => ({
  channel: 'phone',
  direction: 'outbound',
  summary: 'Called about the renewal; 王小明 wants the new price list by mail.',
  outcome: 'reached',
  durationSeconds: 240,
  ...overrides,
});

/** A follow-up of the customer, a call due at `dueAt`. */
export const followUpRequest = (
  customerId: string,
  dueAt: string,
  overrides: Partial<CreateFollowUpRequest> = {},
): CreateFollowUpRequest => ({
  customerId,
  dueAt,
  channel: 'phone',
  note: 'Ask whether the new price list arrived.',
  ...overrides,
});
