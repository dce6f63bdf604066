import type { SlaEscalationAction, SlaTargetKind, SlaTier, TicketPriority } from '@rapport/contracts';
import { addBusinessSeconds, businessSecondsBetween, type CalendarLike } from '@rapport/platform-business-calendar';

/**
 * The SLA clock of a ticket, pure: no I/O. A target of N business minutes is due when N minutes of the
 * calendar's working time have elapsed since receivedAt, not counting the intervals the clock was held:
 * a wait for the customer (pending-customer) pauses both clocks, and a resolution stops the resolution
 * clock; a reopening ends that stop, so the closed period does not count either. A pause that begins
 * after the due time does not move it (the target was breached by then).
 */

export interface SlaPolicyTarget {
  priority: TicketPriority;
  tier: SlaTier;
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

export interface SlaEscalation {
  atPercent: number;
  target: SlaTargetKind;
  action: SlaEscalationAction;
}

export interface SlaPolicyDocument {
  calendarId: string;
  targets: SlaPolicyTarget[];
  escalations: SlaEscalation[];
}

/** An interval the clock was held; `to` null while it lasts. */
export interface SlaHold {
  from: Date;
  to: Date | null;
  reason: 'pending-customer' | 'resolved';
}

export type SlaTargetState = 'running' | 'paused' | 'met' | 'breached';

export interface SlaTargetStatus {
  target: SlaTargetKind;
  targetMinutes: number;
  /** Null while the clock is paused (the due time moves with the pause). */
  due: Date | null;
  elapsedSeconds: number;
  remainingSeconds: number;
  state: SlaTargetState;
  /** When the clock stopped for good (first reply; resolution), if it did. */
  stoppedAt: Date | null;
}

/** The tier a ticket's customer counts as for the policy: VIP first, then its value tier, else none. */
export function slaTierOf(customer: { vip: boolean; valueTier: 'A' | 'B' | 'C' | null }): SlaTier {
  if (customer.vip) return 'VIP';
  return customer.valueTier ?? 'none';
}

/** The cell of a priority and tier, or the priority's `none` cell (every valid policy has one). */
export function targetCell(
  policy: Pick<SlaPolicyDocument, 'targets'>,
  priority: TicketPriority,
  tier: SlaTier,
): SlaPolicyTarget {
  const cell =
    policy.targets.find((t) => t.priority === priority && t.tier === tier) ??
    policy.targets.find((t) => t.priority === priority && t.tier === 'none');
  if (!cell) throw new Error(`SLA policy has no target for priority ${priority}`);
  return cell;
}

/**
 * The instant at which `seconds` of the clock have elapsed since `start`, holds excepted; null when the
 * clock is held (an open hold) before that.
 */
export function clockInstant(
  calendar: CalendarLike,
  start: Date,
  holds: readonly SlaHold[],
  seconds: number,
): Date | null {
  let remaining = seconds;
  let cursor = start;
  for (const hold of sorted(holds)) {
    if (hold.from.getTime() < cursor.getTime()) {
      if (hold.to === null) return null;
      if (hold.to.getTime() > cursor.getTime()) cursor = hold.to;
      continue;
    }
    const before = businessSecondsBetween(calendar, cursor, hold.from);
    if (before >= remaining) break;
    remaining -= before;
    if (hold.to === null) return null;
    cursor = hold.to;
  }
  return addBusinessSeconds(calendar, cursor, remaining);
}

/** Business seconds of the clock in [start, end), holds excepted. */
export function clockSecondsBetween(calendar: CalendarLike, start: Date, holds: readonly SlaHold[], end: Date): number {
  if (end.getTime() <= start.getTime()) return 0;
  let total = businessSecondsBetween(calendar, start, end);
  for (const hold of holds) {
    const from = Math.max(hold.from.getTime(), start.getTime());
    const to = Math.min((hold.to ?? end).getTime(), end.getTime());
    if (to > from) total -= businessSecondsBetween(calendar, new Date(from), new Date(to));
  }
  return Math.max(0, total);
}

export interface SlaClockInput {
  receivedAt: Date;
  holds: readonly SlaHold[];
  firstRepliedAt: Date | null;
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

/** Both targets of a ticket as they stand at `now`. */
export function slaStatus(calendar: CalendarLike, input: SlaClockInput, now: Date): SlaTargetStatus[] {
  const pauses = holdsOf(input, 'first-response');
  const resolvedHold = input.holds.find((h) => h.reason === 'resolved' && h.to === null);
  return [
    targetStatus(calendar, 'first-response', input.firstResponseMinutes, input, pauses, input.firstRepliedAt, now),
    targetStatus(
      calendar,
      'resolution',
      input.resolutionMinutes,
      input,
      input.holds.filter((h) => h !== resolvedHold),
      resolvedHold?.from ?? null,
      now,
    ),
  ];
}

function targetStatus(
  calendar: CalendarLike,
  target: SlaTargetKind,
  minutes: number,
  input: SlaClockInput,
  holds: readonly SlaHold[],
  stoppedAt: Date | null,
  now: Date,
): SlaTargetStatus {
  const end = stoppedAt ?? now;
  const due = clockInstant(calendar, input.receivedAt, stoppedAt ? closedAt(holds, stoppedAt) : holds, minutes * 60);
  const elapsedSeconds = clockSecondsBetween(calendar, input.receivedAt, holds, end);
  const remainingSeconds = minutes * 60 - elapsedSeconds;
  let state: SlaTargetState;
  if (due === null) state = 'paused';
  else if (end.getTime() > due.getTime()) state = 'breached';
  else state = stoppedAt ? 'met' : 'running';
  return { target, targetMinutes: minutes, due, elapsedSeconds, remainingSeconds, state, stoppedAt };
}

/** Holds as seen from a clock stopped at `at`: those after it do not count, an open one ends there. */
function closedAt(holds: readonly SlaHold[], at: Date): SlaHold[] {
  return holds
    .filter((h) => h.from.getTime() < at.getTime())
    .map((h) => (h.to === null || h.to.getTime() > at.getTime() ? { ...h, to: at } : h));
}

function sorted(holds: readonly SlaHold[]): SlaHold[] {
  return [...holds].sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** The issues of a policy the document cannot state (422), as `field: message`. */
export function policyIssues(policy: SlaPolicyDocument, priorities: readonly TicketPriority[]): string[] {
  const issues: string[] = [];
  const seen = new Set<string>();
  policy.targets.forEach((t, i) => {
    const key = `${t.priority}/${t.tier}`;
    if (seen.has(key)) issues.push(`targets[${i}]: a second cell for priority ${t.priority} and tier ${t.tier}`);
    seen.add(key);
  });
  for (const priority of priorities)
    if (!seen.has(`${priority}/none`))
      issues.push(`targets: priority ${priority} has no tier none cell (the fallback of every tier without its own)`);
  const levels = new Set<string>();
  policy.escalations.forEach((e, i) => {
    const key = `${e.target}/${e.atPercent}`;
    if (levels.has(key)) issues.push(`escalations[${i}]: a second level at ${e.atPercent} % of ${e.target}`);
    levels.add(key);
  });
  return issues;
}

/**
 * The holds after a move of the ticket from `from` to `to` at `at`: entering pending-customer pauses,
 * leaving it resumes; a resolution stops the resolution clock, a reopening restarts it (the stop becomes
 * a closed hold, so the resolved and closed period does not count).
 */
export function holdsAfterMove(holds: readonly SlaHold[], from: string, to: string, at: Date): SlaHold[] {
  const next = holds.map((h) => ({ ...h }));
  const closeOpen = (reason: SlaHold['reason']) => {
    for (const hold of next) if (hold.reason === reason && hold.to === null) hold.to = at;
  };
  if (from === 'pending-customer' && to !== 'pending-customer') closeOpen('pending-customer');
  if (to === 'pending-customer') next.push({ from: at, to: null, reason: 'pending-customer' });
  if (to === 'resolved') next.push({ from: at, to: null, reason: 'resolved' });
  if (to === 'reopened') closeOpen('resolved');
  return next;
}

export interface SlaTimer {
  target: SlaTargetKind;
  level: number;
  action: SlaEscalation['action'];
  fireAt: Date;
}

/** The percent of a target at which a running ticket counts as at risk when the policy has no warning level. */
export const DEFAULT_RISK_PERCENT = 80;

/**
 * The timers of the targets still running: one per escalation level of the target, and the breach (100 %,
 * notify unless an escalation acts there). A paused or stopped target has none.
 */
export function slaTimers(
  calendar: CalendarLike,
  input: SlaClockInput,
  statuses: readonly SlaTargetStatus[],
  escalations: readonly SlaEscalation[],
): SlaTimer[] {
  const timers: SlaTimer[] = [];
  for (const status of statuses) {
    if (status.stoppedAt !== null || status.due === null) continue;
    const holds = holdsOf(input, status.target);
    const levels = escalations.filter((e) => e.target === status.target);
    if (!levels.some((e) => e.atPercent === 100))
      levels.push({ atPercent: 100, target: status.target, action: 'notify' });
    for (const level of levels) {
      const fireAt =
        level.atPercent === 100
          ? status.due
          : clockInstant(
              calendar,
              input.receivedAt,
              holds,
              Math.round((status.targetMinutes * 60 * level.atPercent) / 100),
            );
      if (fireAt) timers.push({ target: status.target, level: level.atPercent, action: level.action, fireAt });
    }
  }
  return timers;
}

/** When a running ticket becomes at risk: the first warning level (or 80 %) of its earliest running target. */
export function riskAt(
  calendar: CalendarLike,
  input: SlaClockInput,
  statuses: readonly SlaTargetStatus[],
  escalations: readonly SlaEscalation[],
): Date | null {
  let earliest: Date | null = null;
  for (const status of statuses) {
    if (status.stoppedAt !== null || status.due === null) continue;
    const warnings = escalations.filter((e) => e.target === status.target && e.atPercent < 100).map((e) => e.atPercent);
    const percent = warnings.length > 0 ? Math.min(...warnings) : DEFAULT_RISK_PERCENT;
    const at = clockInstant(
      calendar,
      input.receivedAt,
      holdsOf(input, status.target),
      Math.round((status.targetMinutes * 60 * percent) / 100),
    );
    if (at && (!earliest || at.getTime() < earliest.getTime())) earliest = at;
  }
  return earliest;
}

function holdsOf(input: SlaClockInput, target: SlaTargetKind): SlaHold[] {
  return input.holds.filter((h) => target === 'resolution' || h.reason === 'pending-customer');
}
