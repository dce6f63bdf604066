import { Inject, Injectable } from '@nestjs/common';
import {
  chinaOfficialDataYears,
  chinaStandardCalendar,
  compileBusinessCalendar,
  validateBusinessCalendar,
  type BusinessCalendar,
  type CompiledBusinessCalendar,
} from '@rapport/platform-business-calendar';
import { INTERACTION_CONFIG, type InteractionConfig } from '../interaction.config';

const MINUTE_MS = 60_000;
/** A reminder is looked for at most this far before its due time (a calendar with no working time in it: the due time itself). */
const LOOKBACK_MS = 400 * 86_400_000;

/** The calendar of INTERACTION_FOLLOW_UP_CALENDAR, or China's standard office calendar; a bad document stops the boot. */
export function followUpCalendarOf(document: string | undefined): BusinessCalendar {
  if (document === undefined) {
    const { first, last } = chinaOfficialDataYears();
    return chinaStandardCalendar({ from: first, to: last });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw new Error('INTERACTION_FOLLOW_UP_CALENDAR: expected a business calendar as JSON');
  }
  try {
    return validateBusinessCalendar(parsed);
  } catch (error) {
    throw new Error(`INTERACTION_FOLLOW_UP_CALENDAR: ${(error as Error).message}`);
  }
}

/**
 * The latest instant at or before `due` from which `minutes` of working time remain until `due`: 30
 * minutes before a 10:00 due time on a working morning is 09:30; before a 09:15 one, 17:45 of the previous
 * working day; before a 09:30 one, 09:00 (the reminder comes when the working day starts, not the evening
 * before). Zero minutes is `due` itself.
 */
export function businessMinutesBefore(calendar: CompiledBusinessCalendar, due: Date, minutes: number): Date {
  const dueMs = due.getTime();
  const need = Math.round(minutes * MINUTE_MS);
  if (need <= 0) return due;
  const remaining = (at: number) => calendar.msBetween(at, dueMs);
  // lo has enough working time before due, hi not
  let span = need;
  while (remaining(dueMs - span) < need) {
    span *= 2;
    if (span > LOOKBACK_MS) return due;
  }
  let lo = dueMs - span;
  let hi = dueMs;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (remaining(mid) >= need) lo = mid;
    else hi = mid;
  }
  return new Date(lo);
}

/** The working minutes of the calendar's longest weekday (a cadence's business day). */
export function workingDayMinutes(calendar: BusinessCalendar): number {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  let longest = 0;
  for (const windows of Object.values(calendar.weekly))
    longest = Math.max(
      longest,
      (windows ?? []).reduce((sum, w) => sum + minutes(w.end) - minutes(w.start), 0),
    );
  return longest;
}

/**
 * The follow-ups' business calendar, compiled once: reminders before due times, snoozes by business
 * minutes and the calendar day of "due today".
 */
@Injectable()
export class FollowUpCalendar {
  readonly calendar: BusinessCalendar;
  private readonly compiled: CompiledBusinessCalendar;

  constructor(@Inject(INTERACTION_CONFIG) private readonly config: InteractionConfig) {
    this.calendar = followUpCalendarOf(config.INTERACTION_FOLLOW_UP_CALENDAR);
    this.compiled = compileBusinessCalendar(this.calendar);
  }

  get timeZone(): string {
    return this.calendar.timeZone;
  }

  /** When the reminder of a follow-up due at `due` fires. */
  remindAt(due: Date): Date {
    return businessMinutesBefore(this.compiled, due, this.config.INTERACTION_REMINDER_BUSINESS_MINUTES);
  }

  /**
   * `days` full working days after `from`: the calendar's longest working day of working time each, so
   * on a calendar whose working days are alike, the same working moment `days` working days later.
   */
  addBusinessDays(from: Date, days: number): Date {
    return days === 0 ? from : this.compiled.addBusinessMinutes(from, days * workingDayMinutes(this.calendar));
  }

  /** `minutes` of working time after `from`. */
  addBusinessMinutes(from: Date, minutes: number): Date {
    return this.compiled.addBusinessMinutes(from, minutes);
  }

  /** `at` with the calendar's offset (2026-12-04T17:30:00+08:00). */
  format(at: Date): string {
    return this.compiled.format(at);
  }
}
