import { FOLLOW_UP_STATUSES } from '@rapport/contracts';
import { followUpStatus, followUpStatusSql } from './follow-up-status';

describe(followUpStatus.name, () => {
  const now = new Date('2026-12-04T10:00:00+08:00');
  const at = (iso: string) => new Date(iso);

  it('is open before its due time, overdue from it on, and done once completed whatever the time', () => {
    expect(followUpStatus({ completedAt: null, dueAt: at('2026-12-04T10:00:01+08:00'), snoozeCount: 0 }, now)).toBe(
      'open',
    );
    expect(followUpStatus({ completedAt: null, dueAt: now, snoozeCount: 0 }, now)).toBe('overdue');
    expect(followUpStatus({ completedAt: now, dueAt: at('2026-12-01T10:00:00+08:00'), snoozeCount: 0 }, now)).toBe(
      'done',
    );
  });

  it('is snoozed while a put-off due time is ahead, and overdue again once it passes', () => {
    expect(followUpStatus({ completedAt: null, dueAt: at('2026-12-05T10:00:00+08:00'), snoozeCount: 1 }, now)).toBe(
      'snoozed',
    );
    expect(followUpStatus({ completedAt: null, dueAt: at('2026-12-04T09:00:00+08:00'), snoozeCount: 2 }, now)).toBe(
      'overdue',
    );
  });

  it('has a filter for every status, binding the instant only where it is used', () => {
    for (const status of FOLLOW_UP_STATUSES) {
      let bound = 0;
      const sql = followUpStatusSql(status, () => `$${++bound}`);
      expect(sql).toContain('f.');
      expect(bound).toBe(status === 'done' ? 0 : 1);
    }
  });
});
