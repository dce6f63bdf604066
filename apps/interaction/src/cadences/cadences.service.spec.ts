import type { FollowUpRecord } from '../follow-ups/follow-ups.repository';
import type { EnrolmentRecord } from './cadences.repository';
import { statusOf } from './cadences.service';

describe(statusOf.name, () => {
  const enrolment = (stopped: boolean) => ({ stopped }) as EnrolmentRecord;
  const followUp = (done: boolean) => ({ completedAt: done ? new Date() : null }) as FollowUpRecord;

  it('is stopped once stopped, completed once every step is done, else active', () => {
    expect(statusOf(enrolment(true), [followUp(true)])).toBe('stopped');
    expect(statusOf(enrolment(false), [followUp(true), followUp(true)])).toBe('completed');
    expect(statusOf(enrolment(false), [followUp(true), followUp(false)])).toBe('active');
    expect(statusOf(enrolment(false), [])).toBe('active');
  });
});
