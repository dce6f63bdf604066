import { isValidTimeZone } from './time-zone';

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** A working window in local wall-clock time, `HH:MM` (`end` may be `24:00`), start < end. */
export interface WorkingWindow {
  readonly start: string;
  readonly end: string;
}

/** Working windows per ISO weekday; a missing or empty day has no working time. */
export type WeeklySchedule = { readonly [day in IsoWeekday]?: readonly WorkingWindow[] };

/**
 * - `holiday`: no working time that day (no `windows`);
 * - `workday`: a working day whatever the weekday (a make-up day, 调休上班), with `windows`, or the
 *   calendar's Monday windows when they are omitted;
 * - `closure`: the given `windows` are taken out of that day's usual working time.
 */
export type CalendarOverrideKind = 'holiday' | 'workday' | 'closure';

export interface CalendarOverride {
  /** Local calendar date, `YYYY-MM-DD`. One override per date. */
  readonly date: string;
  readonly kind: CalendarOverrideKind;
  readonly windows?: readonly WorkingWindow[];
  readonly name?: string;
}

/**
 * A business calendar: plain JSON data (store it in a jsonb column, send it over the wire), checked with
 * {@link validateBusinessCalendar} and compiled with `compileBusinessCalendar` for the arithmetic.
 * Treat it as immutable once handed to the arithmetic: a compiled form is cached per object.
 */
export interface BusinessCalendar {
  /** IANA time zone name, e.g. `Asia/Shanghai`; windows and override dates are read in it. */
  readonly timeZone: string;
  readonly weekly: WeeklySchedule;
  readonly overrides?: readonly CalendarOverride[];
}

export interface CalendarIssue {
  /** Path of the offending field, e.g. `weekly.1[1].start` or `overrides[3].date`. */
  readonly field: string;
  readonly message: string;
}

/** Thrown by {@link validateBusinessCalendar} (and so by compiling) with every problem found. */
export class BusinessCalendarValidationError extends Error {
  constructor(readonly issues: readonly CalendarIssue[]) {
    super(`invalid business calendar: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
    this.name = 'BusinessCalendarValidationError';
  }
}

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

/** Minutes since local midnight, as flat pairs `[start0, end0, start1, end1, …]`, sorted, disjoint, not touching. */
export type MinuteWindows = readonly number[];

/** What the compiler needs, derived once from a valid calendar. */
export interface CheckedCalendar {
  readonly calendar: BusinessCalendar;
  /** Index 1..7 (index 0 unused). */
  readonly weekly: readonly MinuteWindows[];
  /** Working windows of each overridden date, by day number (days since 1970-01-01), closures already applied. */
  readonly overrides: ReadonlyMap<number, MinuteWindows>;
}

const WEEKDAY_KEYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
const TIME = /^(\d{2}):(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Checks an untrusted value (a request body, a jsonb column) and returns it as a {@link BusinessCalendar}
 * (a copy, without `overrides` when there were none). Throws {@link BusinessCalendarValidationError}
 * listing every problem, each with the path of its field.
 */
export function validateBusinessCalendar(input: unknown): BusinessCalendar {
  return checkBusinessCalendar(input).calendar;
}

export function checkBusinessCalendar(input: unknown): CheckedCalendar {
  const issues: CalendarIssue[] = [];
  const issue = (field: string, message: string): void => void issues.push({ field, message });

  if (!isRecord(input)) throw new BusinessCalendarValidationError([{ field: '(root)', message: 'must be an object' }]);
  unknownKeys(input, ['timeZone', 'weekly', 'overrides'], '', issue);

  const timeZone = input['timeZone'];
  if (typeof timeZone !== 'string' || timeZone === '') issue('timeZone', 'must be an IANA time zone name');
  else if (!isValidTimeZone(timeZone))
    issue('timeZone', `'${timeZone}' is not an IANA time zone name (such as Asia/Shanghai or Europe/London)`);

  const weeklyOut: Partial<Record<IsoWeekday, WorkingWindow[]>> = {};
  const weeklyMinutes: MinuteWindows[] = [[], [], [], [], [], [], [], []];
  const weekly = input['weekly'];
  if (!isRecord(weekly)) issue('weekly', 'must be an object keyed by ISO weekday ("1" = Monday … "7" = Sunday)');
  else {
    for (const key of Object.keys(weekly)) {
      if (!(WEEKDAY_KEYS as readonly string[]).includes(key))
        issue(`weekly.${key}`, 'unknown weekday: use ISO weekdays "1" (Monday) to "7" (Sunday)');
    }
    for (const key of WEEKDAY_KEYS) {
      if (weekly[key] === undefined) continue;
      const parsed = parseWindows(weekly[key], `weekly.${key}`, issue);
      if (parsed) {
        const day = Number(key) as IsoWeekday;
        weeklyOut[day] = parsed.windows;
        weeklyMinutes[day] = parsed.minutes;
      }
    }
  }

  const overridesOut: CalendarOverride[] = [];
  const overrideMinutes = new Map<number, MinuteWindows>();
  const overrides = input['overrides'];
  if (overrides !== undefined && !Array.isArray(overrides)) issue('overrides', 'must be an array');
  else if (overrides) {
    const seen = new Map<string, number>();
    overrides.forEach((raw: unknown, index) => {
      const field = `overrides[${index}]`;
      if (!isRecord(raw)) return issue(field, 'must be an object { date, kind, windows?, name? }');
      unknownKeys(raw, ['date', 'kind', 'windows', 'name'], field, issue);
      const { date, kind, windows, name } = raw;
      let day: number | undefined;
      if (typeof date !== 'string' || (day = parseDate(date)) === undefined) {
        issue(`${field}.date`, `${JSON.stringify(date)} is not a calendar date YYYY-MM-DD`);
      } else if (seen.has(date)) {
        issue(`${field}.date`, `${date} already has an override (overrides[${seen.get(date)}]): one per date`);
        day = undefined;
      } else seen.set(date, index);
      if (name !== undefined && typeof name !== 'string') issue(`${field}.name`, 'must be a string');

      let dayMinutes: MinuteWindows | undefined;
      let outWindows: WorkingWindow[] | undefined;
      if (kind === 'holiday') {
        if (windows !== undefined && !(Array.isArray(windows) && windows.length === 0))
          issue(`${field}.windows`, "a holiday has no windows (use kind 'closure' to close part of a day)");
        dayMinutes = [];
      } else if (kind === 'workday') {
        if (windows === undefined) {
          if (weeklyMinutes[1]!.length === 0 && isRecord(weekly))
            issue(`${field}.windows`, 'required: the calendar has no Monday windows for a workday to default to');
          dayMinutes = weeklyMinutes[1];
        } else {
          const parsed = parseWindows(windows, `${field}.windows`, issue, true);
          if (parsed) [outWindows, dayMinutes] = [parsed.windows, parsed.minutes];
        }
      } else if (kind === 'closure') {
        const parsed = parseWindows(windows, `${field}.windows`, issue, true);
        if (parsed && day !== undefined) {
          outWindows = parsed.windows;
          dayMinutes = subtractWindows(weeklyMinutes[isoWeekdayOfDay(day)]!, parsed.minutes);
        }
      } else issue(`${field}.kind`, `${JSON.stringify(kind)} is not one of 'holiday', 'workday', 'closure'`);

      if (day !== undefined && dayMinutes !== undefined) overrideMinutes.set(day, dayMinutes);
      if (typeof date === 'string' && (kind === 'holiday' || kind === 'workday' || kind === 'closure')) {
        overridesOut.push({
          date,
          kind,
          ...(outWindows ? { windows: outWindows } : {}),
          ...(typeof name === 'string' ? { name } : {}),
        });
      }
    });
  }

  if (issues.length > 0) throw new BusinessCalendarValidationError(issues);
  const calendar: BusinessCalendar = {
    timeZone: timeZone as string,
    weekly: weeklyOut,
    ...(overrides !== undefined ? { overrides: overridesOut } : {}),
  };
  return { calendar, weekly: weeklyMinutes, overrides: overrideMinutes };
}

function parseWindows(
  value: unknown,
  field: string,
  issue: (field: string, message: string) => void,
  nonEmpty = false,
): { windows: WorkingWindow[]; minutes: number[] } | undefined {
  if (!Array.isArray(value)) {
    issue(field, 'must be an array of windows { start: "HH:MM", end: "HH:MM" }');
    return undefined;
  }
  if (nonEmpty && value.length === 0) {
    issue(field, 'needs at least one window');
    return undefined;
  }
  let ok = true;
  const parsed: { start: number; end: number; index: number }[] = [];
  const windows: WorkingWindow[] = [];
  value.forEach((raw: unknown, index) => {
    const at = `${field}[${index}]`;
    if (!isRecord(raw)) {
      ok = false;
      return issue(at, 'must be an object { start: "HH:MM", end: "HH:MM" }');
    }
    unknownKeys(raw, ['start', 'end'], at, issue);
    const start = parseTime(raw['start'], false);
    const end = parseTime(raw['end'], true);
    if (start === undefined)
      issue(`${at}.start`, `${JSON.stringify(raw['start'])} is not a time HH:MM from 00:00 to 23:59`);
    if (end === undefined) issue(`${at}.end`, `${JSON.stringify(raw['end'])} is not a time HH:MM from 00:01 to 24:00`);
    if (start === undefined || end === undefined) {
      ok = false;
      return;
    }
    if (start >= end) {
      ok = false;
      return issue(at, `start ${raw['start']} must be before end ${raw['end']}`);
    }
    parsed.push({ start, end, index });
    windows.push({ start: raw['start'] as string, end: raw['end'] as string });
  });
  if (!ok) return undefined;
  const sorted = [...parsed].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1]!;
    const current = sorted[i]!;
    if (current.start < before.end) {
      ok = false;
      issue(
        `${field}[${current.index}]`,
        `${formatMinutes(current.start)}–${formatMinutes(current.end)} overlaps ${field}[${before.index}] ` +
          `(${formatMinutes(before.start)}–${formatMinutes(before.end)})`,
      );
    }
  }
  if (!ok) return undefined;
  const minutes: number[] = [];
  for (const w of sorted) {
    // touching windows (12:00–13:00 and 13:00–14:00) are one span of working time
    if (minutes.length > 0 && minutes[minutes.length - 1] === w.start) minutes[minutes.length - 1] = w.end;
    else minutes.push(w.start, w.end);
  }
  return { windows, minutes };
}

/** `HH:MM` → minutes since midnight; `24:00` only as an end. */
function parseTime(value: unknown, isEnd: boolean): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = TIME.exec(value);
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) > 59) return undefined;
  if (isEnd ? minutes < 1 || minutes > 1440 : minutes > 1439) return undefined;
  return minutes;
}

/** `YYYY-MM-DD` (a real date) → days since 1970-01-01. */
export function parseDate(value: string): number | undefined {
  const m = DATE.exec(value);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const ms = utcDateMs(y, mo, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
  return ms / DAY_MS;
}

/** Midnight UTC of a calendar date, for any four-digit year (Date.UTC maps 0–99 to 1900–1999). */
export function utcDateMs(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

/** ISO weekday (1 = Monday) of a day number (days since 1970-01-01, a Thursday). */
export function isoWeekdayOfDay(day: number): IsoWeekday {
  return (((((day + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

export function formatMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** `base` minus `removed` (both sorted flat pairs). */
function subtractWindows(base: MinuteWindows, removed: MinuteWindows): MinuteWindows {
  let current: number[] = [...base];
  for (let r = 0; r < removed.length; r += 2) {
    const [rs, re] = [removed[r]!, removed[r + 1]!];
    const next: number[] = [];
    for (let i = 0; i < current.length; i += 2) {
      const [s, e] = [current[i]!, current[i + 1]!];
      if (re <= s || rs >= e) next.push(s, e);
      else {
        if (s < rs) next.push(s, rs);
        if (re < e) next.push(re, e);
      }
    }
    current = next;
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  field: string,
  issue: (field: string, message: string) => void,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      issue(field ? `${field}.${key}` : key, `unknown field (allowed: ${allowed.join(', ')})`);
  }
}
