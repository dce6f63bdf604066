import { CompiledBusinessCalendar, type CompileOptions } from './compiled-calendar';
import type { BusinessCalendar, IsoWeekday, WorkingWindow } from './model';

/** A calendar as stored (compiled on first use and cached per object) or already compiled. */
export type CalendarLike = BusinessCalendar | CompiledBusinessCalendar;

const compiledByModel = new WeakMap<BusinessCalendar, CompiledBusinessCalendar>();

/**
 * Validates and compiles a calendar (throws `BusinessCalendarValidationError`). Compile once and keep the
 * result (per calendar id and version, say): the functions below accept the plain model too, but cache its
 * compiled form per object only, so a model parsed anew for every request is compiled anew every time.
 */
export function compileBusinessCalendar(
  calendar: BusinessCalendar,
  options?: CompileOptions,
): CompiledBusinessCalendar {
  return new CompiledBusinessCalendar(calendar, options);
}

function compiled(calendar: CalendarLike): CompiledBusinessCalendar {
  if (calendar instanceof CompiledBusinessCalendar) return calendar;
  let result = compiledByModel.get(calendar);
  if (result === undefined) compiledByModel.set(calendar, (result = new CompiledBusinessCalendar(calendar)));
  return result;
}

/** The earliest instant at which `seconds` of working time have elapsed since `from` (`from` itself for 0). */
export function addBusinessSeconds(calendar: CalendarLike, from: Date, seconds: number): Date {
  return compiled(calendar).addBusinessSeconds(from, seconds);
}

/** The earliest instant at which `minutes` of working time have elapsed since `from` (`from` itself for 0). */
export function addBusinessMinutes(calendar: CalendarLike, from: Date, minutes: number): Date {
  return compiled(calendar).addBusinessMinutes(from, minutes);
}

/** Working seconds in `[from, to)`, negative when `to` is before `from`. */
export function businessSecondsBetween(calendar: CalendarLike, from: Date, to: Date): number {
  return compiled(calendar).businessSecondsBetween(from, to);
}

/** Working minutes in `[from, to)` (seconds / 60, not rounded). */
export function businessMinutesBetween(calendar: CalendarLike, from: Date, to: Date): number {
  return compiled(calendar).businessMinutesBetween(from, to);
}

export function isWorkingTime(calendar: CalendarLike, at: Date): boolean {
  return compiled(calendar).isWorkingTime(at);
}

/** `at` when it is working time, else the start of the next working interval. */
export function nextWorkingInstant(calendar: CalendarLike, at: Date): Date {
  return compiled(calendar).nextWorkingInstant(at);
}

/** `at` as an ISO 8601 instant with the calendar's offset, e.g. `2026-02-13T17:30:00+08:00`. */
export function toCalendarIso(calendar: CalendarLike, at: Date): string {
  return compiled(calendar).format(at);
}

const ALL_DAY: readonly WorkingWindow[] = [{ start: '00:00', end: '24:00' }];

/** Every day 00:00–24:00 in `timeZone`: working time is every instant, continuous across midnight. */
export function alwaysOpenCalendar(timeZone: string): BusinessCalendar {
  const weekly: Partial<Record<IsoWeekday, readonly WorkingWindow[]>> = {};
  for (const day of [1, 2, 3, 4, 5, 6, 7] as const) weekly[day] = ALL_DAY;
  return { timeZone, weekly };
}
