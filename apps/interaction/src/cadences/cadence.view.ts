import type { CadenceEnrolmentView, CadenceView } from '@rapport/contracts';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { toFollowUpView } from '../follow-ups/follow-up.view';
import type { CadenceRecord } from './cadences.repository';
import type { EnrolmentState } from './cadences.service';

export function toCadenceView(cadence: CadenceRecord): CadenceView {
  return {
    id: cadence.id,
    name: cadence.name,
    description: cadence.description,
    steps: cadence.steps.map((s) => ({
      dayOffset: s.dayOffset,
      channel: s.channel,
      ...(s.note ? { note: s.note } : {}),
    })),
    stopOn: cadence.stopOn,
    trigger: cadence.trigger,
    createdBy: cadence.createdBy,
    createdAt: cadence.createdAt.toISOString(),
  };
}

export function toEnrolmentView(state: EnrolmentState, caller: CallerIdentity, now: Date): CadenceEnrolmentView {
  const { enrolment } = state;
  return {
    id: enrolment.id,
    cadenceId: enrolment.cadenceId,
    customerId: enrolment.customerId,
    assignee: enrolment.assignee,
    team: enrolment.team,
    status: state.status,
    stopReason: enrolment.stopReason,
    enrolledAt: enrolment.enrolledAt.toISOString(),
    stoppedAt: enrolment.stoppedAt?.toISOString() ?? null,
    followUps: state.followUps.map((f) => toFollowUpView(f, caller, now)),
  };
}
