import {
  FollowUpCompletedV1,
  FollowUpCreatedV1,
  FollowUpDueV1,
  FollowUpOverdueV1,
  FollowUpSnoozedV1,
} from '@rapport/contracts';
import type { PendingEvent } from '@rapport/platform-messaging';
import type { FollowUpRecord } from './follow-ups.repository';

/** The follow-up events as every path writes them, keyed by the customer id. The note does not travel. */
function base(followUp: FollowUpRecord) {
  return {
    followUpId: followUp.id,
    customerId: followUp.customerId,
    assignee: followUp.assignee,
    team: followUp.team,
    channel: followUp.channel,
    dueAt: followUp.dueAt.toISOString(),
  };
}

export function followUpCreatedEvent(followUp: FollowUpRecord, actor: string): PendingEvent<typeof FollowUpCreatedV1> {
  return {
    definition: FollowUpCreatedV1,
    subject: followUp.customerId,
    data: { ...base(followUp), createdAt: followUp.createdAt.toISOString(), actor },
  };
}

/** The reminder of the due time `dueAt` (the timer's own: a later snooze does not change what this one was for). */
export function followUpDueEvent(
  followUp: FollowUpRecord,
  dueAt: Date,
  remindAt: Date,
  firedAt: Date,
): PendingEvent<typeof FollowUpDueV1> {
  return {
    definition: FollowUpDueV1,
    subject: followUp.customerId,
    data: {
      ...base(followUp),
      dueAt: dueAt.toISOString(),
      remindAt: remindAt.toISOString(),
      firedAt: firedAt.toISOString(),
    },
  };
}

export function followUpOverdueEvent(
  followUp: FollowUpRecord,
  dueAt: Date,
  firedAt: Date,
): PendingEvent<typeof FollowUpOverdueV1> {
  return {
    definition: FollowUpOverdueV1,
    subject: followUp.customerId,
    data: { ...base(followUp), dueAt: dueAt.toISOString(), firedAt: firedAt.toISOString() },
  };
}

export function followUpSnoozedEvent(
  followUp: FollowUpRecord,
  previousDueAt: Date,
  actor: string,
): PendingEvent<typeof FollowUpSnoozedV1> {
  return {
    definition: FollowUpSnoozedV1,
    subject: followUp.customerId,
    data: {
      ...base(followUp),
      previousDueAt: previousDueAt.toISOString(),
      snoozedAt: followUp.updatedAt.toISOString(),
      actor,
    },
  };
}

export function followUpCompletedEvent(
  followUp: FollowUpRecord,
  actor: string,
): PendingEvent<typeof FollowUpCompletedV1> {
  return {
    definition: FollowUpCompletedV1,
    subject: followUp.customerId,
    data: {
      ...base(followUp),
      interactionId: followUp.interactionId!,
      completedAt: followUp.completedAt!.toISOString(),
      actor,
    },
  };
}
