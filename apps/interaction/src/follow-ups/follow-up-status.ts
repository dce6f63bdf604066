import type { FollowUpStatus } from '@rapport/contracts';

/**
 * A follow-up's status at `now`: done once completed; else overdue from its due time on; before it,
 * snoozed when it was ever put off, else open. Only completion and snoozes are stored, so the status
 * never lags behind the clock.
 */
export function followUpStatus(
  followUp: { completedAt: Date | null; dueAt: Date; snoozeCount: number },
  now: Date,
): FollowUpStatus {
  if (followUp.completedAt !== null) return 'done';
  if (followUp.dueAt.getTime() <= now.getTime()) return 'overdue';
  return followUp.snoozeCount > 0 ? 'snoozed' : 'open';
}

/**
 * The same rule as SQL over alias `f`, for the list's status filter; `now()` binds the instant and
 * answers its placeholder (called only by the statuses that need it, so no parameter goes unused).
 */
export function followUpStatusSql(status: FollowUpStatus, now: () => string): string {
  switch (status) {
    case 'done':
      return 'f.completed_at IS NOT NULL';
    case 'overdue':
      return `f.completed_at IS NULL AND f.due_at <= ${now()}`;
    case 'snoozed':
      return `f.completed_at IS NULL AND f.due_at > ${now()} AND f.snooze_count > 0`;
    case 'open':
      return `f.completed_at IS NULL AND f.due_at > ${now()} AND f.snooze_count = 0`;
  }
}
