import { DateTime, IANAZone } from 'luxon';

// Time-zone data comes from luxon (which reads the ICU/tzdata of the runtime through Intl): this file only
// asks it for the UTC offset in force at an instant and records where that offset changes.

/** A span of UTC time `[start, end)` (epoch ms) over which the zone's offset is `offsetMs`. */
export interface OffsetSegment {
  readonly start: number;
  readonly end: number;
  readonly offsetMs: number;
}

// IANA names are made of letters, digits, '_', '-', '+' and '/' ("America/Argentina/Buenos_Aires",
// "Etc/GMT-8"); Intl (so luxon) also accepts offsets such as "+08:00", which are not zones.
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

export function isValidTimeZone(name: string): boolean {
  return IANA_NAME.test(name) && IANAZone.isValidZone(name);
}

/** Sampling step when looking for offset changes; no zone changes its offset twice within 6 hours. */
const STEP_MS = 6 * 3_600_000;
/** Margin around a UTC year: a local day reaches at most 14 h (+ a DST hour) outside its UTC day. */
const MARGIN_MS = 4 * 86_400_000;

const segmentCache = new Map<string, Map<number, readonly OffsetSegment[]>>();

/**
 * The zone's constant-offset segments covering UTC year `year` widened by four days on each side,
 * cached per zone and year (they do not depend on any calendar).
 */
export function offsetSegments(
  timeZone: string,
  year: number,
  yearStart: number,
  yearEnd: number,
): readonly OffsetSegment[] {
  let byYear = segmentCache.get(timeZone);
  if (!byYear) segmentCache.set(timeZone, (byYear = new Map()));
  let segments = byYear.get(year);
  if (!segments) byYear.set(year, (segments = computeSegments(timeZone, yearStart - MARGIN_MS, yearEnd + MARGIN_MS)));
  return segments;
}

function computeSegments(timeZone: string, from: number, to: number): OffsetSegment[] {
  const zone = IANAZone.create(timeZone);
  const offsetAt = (ms: number): number => Math.round(zone.offset(ms) * 60_000);
  const segments: OffsetSegment[] = [];
  let segmentStart = from;
  let current = offsetAt(from);
  let t = from;
  while (t < to) {
    const next = Math.min(t + STEP_MS, to);
    if (offsetAt(next) === current) {
      t = next;
      continue;
    }
    // the offset changes in (t, next]: bisect to the first millisecond of the new offset
    let lo = t;
    let hi = next;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(mid) === current) lo = mid;
      else hi = mid;
    }
    segments.push({ start: segmentStart, end: hi, offsetMs: current });
    segmentStart = hi;
    current = offsetAt(hi);
    t = hi;
  }
  segments.push({ start: segmentStart, end: to, offsetMs: current });
  return segments;
}

/** ISO 8601 with the zone's offset at that instant, e.g. `2026-02-13T17:30:00+08:00` (milliseconds only when not 0). */
export function formatInZone(timeZone: string, ms: number): string {
  const iso = DateTime.fromMillis(ms, { zone: timeZone }).toISO({ suppressMilliseconds: true });
  if (iso === null) throw new RangeError(`cannot format ${ms} in ${timeZone}`);
  return iso;
}

/**
 * Calendar months later (earlier for a negative count) in UTC, clamped to the month's last day
 * (31 Jan + 1 month = 28/29 Feb), as luxon's month arithmetic does. Points validity, tier periods and
 * monthly KPI intervals count months this way.
 */
export function addCalendarMonths(instant: Date, months: number): Date {
  return DateTime.fromJSDate(instant, { zone: 'utc' }).plus({ months }).toJSDate();
}
