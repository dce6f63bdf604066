import type {
  BusinessCalendar,
  CalendarOverride,
  IsoWeekday,
  WeeklySchedule,
  WorkingWindow,
} from '@rapport/platform-business-calendar';

const WEEKDAYS: readonly IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];

/**
 * One form for a calendar's parts, whatever they came from (a request DTO, a jsonb column whose keys
 * PostgreSQL reorders): windows as `{ start, end }`, days without windows left out, an override's
 * windows and name only when it has them. Equal calendars have equal JSON.
 */
export function normalWindows(windows: readonly WorkingWindow[]): WorkingWindow[] {
  return windows.map((w) => ({ start: w.start, end: w.end }));
}

export function normalWeekly(weekly: WeeklySchedule): WeeklySchedule {
  const out: Partial<Record<IsoWeekday, WorkingWindow[]>> = {};
  for (const day of WEEKDAYS) {
    const windows = weekly[day];
    if (windows && windows.length > 0) out[day] = normalWindows(windows);
  }
  return out;
}

export function normalOverride(override: CalendarOverride): CalendarOverride {
  return {
    date: override.date,
    kind: override.kind,
    ...(override.windows && override.windows.length > 0 ? { windows: normalWindows(override.windows) } : {}),
    ...(override.name !== undefined && override.name !== null ? { name: override.name } : {}),
  };
}

/** Sorted by date. */
export function normalOverrides(overrides: readonly CalendarOverride[]): CalendarOverride[] {
  return overrides.map(normalOverride).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

export interface NormalCalendar {
  timeZone: string;
  weekly: WeeklySchedule;
  overrides: CalendarOverride[];
}

export function normalCalendar(calendar: BusinessCalendar): NormalCalendar {
  return {
    timeZone: calendar.timeZone,
    weekly: normalWeekly(calendar.weekly),
    overrides: normalOverrides(calendar.overrides ?? []),
  };
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What a version changed: recorded in business_calendar_versions, shown by GET …/versions. */
export interface CalendarChange {
  kind: 'created' | 'replaced' | 'overrides-added';
  name?: string;
  timeZone?: string;
  weekly?: WeeklySchedule;
  /** Overrides added or changed (the new ones), by date. */
  overridesSet: CalendarOverride[];
  /** Dates whose override was removed. */
  overridesRemoved: string[];
}

export interface CalendarState {
  name: string;
  timeZone: string;
  weekly: WeeklySchedule;
  overrides: readonly CalendarOverride[];
}

/** The whole calendar as a change: its first version. */
export function creation(state: CalendarState): CalendarChange {
  return {
    kind: 'created',
    name: state.name,
    timeZone: state.timeZone,
    weekly: normalWeekly(state.weekly),
    overridesSet: normalOverrides(state.overrides),
    overridesRemoved: [],
  };
}

/** What changes from `before` to `after` (all of it normalised); undefined when nothing does. */
export function replacement(before: CalendarState, after: CalendarState): CalendarChange | undefined {
  const change: CalendarChange = { kind: 'replaced', overridesSet: [], overridesRemoved: [] };
  if (before.name !== after.name) change.name = after.name;
  if (before.timeZone !== after.timeZone) change.timeZone = after.timeZone;
  const weekly = normalWeekly(after.weekly);
  if (!sameJson(normalWeekly(before.weekly), weekly)) change.weekly = weekly;
  const old = new Map(normalOverrides(before.overrides).map((o) => [o.date, o]));
  const next = normalOverrides(after.overrides);
  change.overridesSet = next.filter((o) => !sameJson(old.get(o.date), o));
  const kept = new Set(next.map((o) => o.date));
  change.overridesRemoved = [...old.keys()].filter((date) => !kept.has(date));
  const changed =
    change.name !== undefined ||
    change.timeZone !== undefined ||
    change.weekly !== undefined ||
    change.overridesSet.length > 0 ||
    change.overridesRemoved.length > 0;
  return changed ? change : undefined;
}

/** A batch of overrides added to `existing` (same date: replaced); undefined when it changes nothing. */
export function addition(
  existing: readonly CalendarOverride[],
  batch: readonly CalendarOverride[],
): CalendarChange | undefined {
  const old = new Map(normalOverrides(existing).map((o) => [o.date, o]));
  const overridesSet = normalOverrides(batch).filter((o) => !sameJson(old.get(o.date), o));
  return overridesSet.length > 0 ? { kind: 'overrides-added', overridesSet, overridesRemoved: [] } : undefined;
}
