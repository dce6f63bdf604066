import type { FollowUpView } from '@rapport/contracts';
import { maskText } from '@rapport/platform-auth';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { followUpStatus } from './follow-up-status';
import type { FollowUpRecord } from './follow-ups.repository';

/** The note is about the customer: masked without pii:read. The status is the one at `now`. */
export function toFollowUpView(record: FollowUpRecord, caller: CallerIdentity, now: Date): FollowUpView {
  const pii = caller.scopes.includes('pii:read');
  return {
    id: record.id,
    customerId: record.customerId,
    assignee: record.assignee,
    team: record.team,
    channel: record.channel,
    dueAt: record.dueAt.toISOString(),
    remindAt: record.remindAt.toISOString(),
    note: record.note === null ? null : pii ? record.note : maskText(record.note),
    status: followUpStatus(record, now),
    snoozeCount: record.snoozeCount,
    completedAt: record.completedAt?.toISOString() ?? null,
    interactionId: record.interactionId,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    enrolmentId: record.enrolmentId,
    stepIndex: record.stepIndex,
  };
}
