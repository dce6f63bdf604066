import {
  checkBusinessCalendar,
  DAY_MS,
  isoWeekdayOfDay,
  MINUTE_MS,
  utcDateMs,
  type BusinessCalendar,
  type MinuteWindows,
} from './model';
import { formatInZone, offsetSegments } from './time-zone';

export interface CompileOptions {
  /**
   * A search (a deadline, the next working instant) gives up with {@link NoWorkingTimeError} after this many
   * consecutive calendar years without any working time. Default 5.
   */
  readonly searchLimitYears?: number;
}

/** Thrown when a search finds no working time ahead (a calendar closed for good, or with no windows at all). */
export class NoWorkingTimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoWorkingTimeError';
  }
}

/**
 * The working time of one UTC calendar year `[start, end)`: disjoint, sorted intervals `[starts[i], ends[i])`
 * in epoch ms (clipped to the year), with `cum[i]` the working ms before interval i (`cum[n]` = `total`).
 */
interface Chunk {
  readonly year: number;
  readonly start: number;
  readonly end: number;
  readonly n: number;
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  readonly cum: Float64Array;
  readonly total: number;
}

const MAX_CACHED_YEARS = 512;
// Years from 1000 to 9999: the range `YYYY-MM-DD` dates and ISO output cover.
const MIN_MS = utcDateMs(1000, 1, 1) + 2 * DAY_MS;
const MAX_MS = utcDateMs(9999, 12, 31) - DAY_MS;
const AVERAGE_YEAR_MS = 31_556_952_000;

/**
 * A business calendar compiled for arithmetic. The working time of each UTC year is built on first use
 * (then kept): for every local date, its working windows (weekly, or the date's override) are mapped to
 * UTC through the zone's offsets, so an instant is working time exactly when its local wall-clock time
 * on its local date falls in one of that date's windows. This holds across daylight-saving changes (a
 * skipped hour is no working time, a repeated hour is worked twice) and across midnight (a 24/7 calendar
 * is one continuous span). Windows are half-open: at 18:00 a 09:00–18:00 day is over.
 */
export class CompiledBusinessCalendar {
  readonly calendar: BusinessCalendar;
  readonly timeZone: string;
  readonly searchLimitYears: number;
  private readonly weekly: readonly MinuteWindows[];
  private readonly overrides: ReadonlyMap<number, MinuteWindows>;
  /** No weekly working time: working time only on `workday` overrides, the last of them on this day. */
  private readonly lastWorkingDay: number;
  private readonly chunks = new Map<number, Chunk>();
  private last: Chunk | undefined;

  constructor(calendar: BusinessCalendar, options: CompileOptions = {}) {
    const checked = checkBusinessCalendar(calendar);
    this.calendar = checked.calendar;
    this.timeZone = checked.calendar.timeZone;
    this.weekly = checked.weekly;
    this.overrides = checked.overrides;
    const limit = options.searchLimitYears ?? 5;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('searchLimitYears must be an integer >= 1');
    this.searchLimitYears = limit;
    let lastWorkingDay = Infinity;
    if (this.weekly.every((w) => w.length === 0)) {
      lastWorkingDay = -Infinity;
      for (const [day, windows] of this.overrides) if (windows.length > 0 && day > lastWorkingDay) lastWorkingDay = day;
    }
    this.lastWorkingDay = lastWorkingDay;
  }

  // -------------------------------------------------------------------------------------------------
  // Arithmetic on epoch milliseconds (the Date-based methods below wrap these)

  /** Is `at` (epoch ms) working time? */
  isWorkingMs(at: number): boolean {
    const c = this.chunkAt(checkMs(at, 'at'));
    const i = firstAbove(c.starts, c.n, at) - 1;
    return i >= 0 && at < c.ends[i]!;
  }

  /** `at` itself when it is working time, else the start of the next working interval. */
  nextWorkingMs(at: number): number {
    let c = this.chunkAt(checkMs(at, 'at'));
    let t = at;
    for (let idle = 0; ;) {
      const i = firstAbove(c.ends, c.n, t);
      if (i < c.n) {
        const s = c.starts[i]!;
        return s > t ? s : t;
      }
      c = this.nextChunk(c, at);
      idle = c.total === 0 ? idle + 1 : 0;
      this.checkIdle(c, idle, at);
      t = c.start;
    }
  }

  /**
   * The earliest instant at which `durationMs` of working time has elapsed since `from`. Zero gives `from`;
   * a deadline that falls at the end of a window is that end (18:00), not the next morning.
   */
  addMs(from: number, durationMs: number): number {
    checkMs(from, 'from');
    if (!(durationMs >= 0) || !Number.isFinite(durationMs))
      throw new RangeError(`duration must be >= 0, got ${durationMs}`);
    if (durationMs === 0) return from;
    let remaining = Math.round(durationMs);
    let c = this.chunkAt(from);
    for (let idle = 0; ;) {
      // in the chunk of `from`, start at `from`; in every later chunk (all of it after `from`), at its first interval
      const { n, starts, ends, cum } = c;
      const i = firstAbove(ends, n, from);
      if (i < n) {
        const s = starts[i]!;
        const done = cum[i]! + (from > s ? from - s : 0);
        const available = c.total - done;
        if (remaining <= available) {
          const target = done + remaining;
          // the first interval j >= i whose working time reaches the target
          let lo = i;
          let hi = n - 1;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (cum[mid + 1]! >= target) hi = mid;
            else lo = mid + 1;
          }
          return starts[lo]! + (target - cum[lo]!);
        }
        remaining -= available;
      }
      c = this.nextChunk(c, from);
      idle = c.total === 0 ? idle + 1 : 0;
      this.checkIdle(c, idle, from);
    }
  }

  /** Working ms in `[from, to)`; negative when `to` is before `from`. */
  msBetween(from: number, to: number): number {
    checkMs(from, 'from');
    checkMs(to, 'to');
    if (to < from) {
      const back = this.msBetween(to, from);
      return back === 0 ? 0 : -back; // never -0
    }
    const first = this.chunkAt(from);
    if (to < first.end) return workedBefore(first, to) - workedBefore(first, from);
    let sum = first.total - workedBefore(first, from);
    let c = this.chunkAt(first.end);
    while (to >= c.end) {
      sum += c.total;
      c = this.chunkAt(c.end);
    }
    return sum + workedBefore(c, to);
  }

  // -------------------------------------------------------------------------------------------------
  // Date-based API

  isWorkingTime(at: Date): boolean {
    return this.isWorkingMs(dateMs(at, 'at'));
  }

  nextWorkingInstant(at: Date): Date {
    return new Date(this.nextWorkingMs(dateMs(at, 'at')));
  }

  addBusinessSeconds(from: Date, seconds: number): Date {
    return new Date(this.addMs(dateMs(from, 'from'), seconds * 1000));
  }

  addBusinessMinutes(from: Date, minutes: number): Date {
    return new Date(this.addMs(dateMs(from, 'from'), minutes * MINUTE_MS));
  }

  /** Working seconds in `[from, to)` (fractional only when the instants carry milliseconds). */
  businessSecondsBetween(from: Date, to: Date): number {
    return this.msBetween(dateMs(from, 'from'), dateMs(to, 'to')) / 1000;
  }

  businessMinutesBetween(from: Date, to: Date): number {
    return this.msBetween(dateMs(from, 'from'), dateMs(to, 'to')) / MINUTE_MS;
  }

  /** `at` as ISO 8601 with the calendar's offset at that instant, e.g. `2026-02-13T17:30:00+08:00`. */
  format(at: Date): string {
    return formatInZone(this.timeZone, dateMs(at, 'at'));
  }

  // -------------------------------------------------------------------------------------------------
  // Compilation

  private chunkAt(ms: number): Chunk {
    const last = this.last;
    if (last !== undefined && ms >= last.start && ms < last.end) return last;
    let year = 1970 + Math.floor(ms / AVERAGE_YEAR_MS);
    for (;;) {
      const cached = this.chunks.get(year);
      if (cached !== undefined) {
        if (ms < cached.start) year -= 1;
        else if (ms >= cached.end) year += 1;
        else return (this.last = cached);
      } else {
        const start = utcDateMs(year, 1, 1);
        const end = utcDateMs(year + 1, 1, 1);
        if (ms < start) year -= 1;
        else if (ms >= end) year += 1;
        else return (this.last = this.build(year, start, end));
      }
    }
  }

  private nextChunk(c: Chunk, from: number): Chunk {
    if (c.end > MAX_MS)
      throw new NoWorkingTimeError(`no working time after ${new Date(from).toISOString()} before year 9999`);
    return this.chunkAt(c.end);
  }

  /** Gives up after `searchLimitYears` empty years, or at once past the last working day of an override-only calendar. */
  private checkIdle(c: Chunk, idleYears: number, from: number): void {
    const noMoreWork = this.lastWorkingDay !== Infinity && c.start > (this.lastWorkingDay + 2) * DAY_MS;
    if (idleYears >= this.searchLimitYears || (idleYears > 0 && noMoreWork)) {
      throw new NoWorkingTimeError(
        `business calendar (${this.timeZone}) has no working time ` +
          (noMoreWork
            ? `after ${new Date(from).toISOString()}: no weekly windows and no later workday override`
            : `in the ${idleYears} years after ${new Date(from).toISOString()}`),
      );
    }
  }

  /** Working intervals of UTC year `year`, from the local dates that can reach it (Dec 30 … Jan 2). */
  private build(year: number, start: number, end: number): Chunk {
    const segments = offsetSegments(this.timeZone, year, start, end);
    const spans: number[] = [];
    const firstDay = start / DAY_MS - 2;
    const lastDay = end / DAY_MS + 1;
    for (let day = firstDay; day <= lastDay; day++) {
      const windows = this.overrides.get(day) ?? this.weekly[isoWeekdayOfDay(day)]!;
      const localMidnight = day * DAY_MS;
      for (let w = 0; w < windows.length; w += 2) {
        // local wall-clock [a, b) of this date, written as if it were UTC
        const a = localMidnight + windows[w]! * MINUTE_MS;
        const b = localMidnight + windows[w + 1]! * MINUTE_MS;
        // the instants t whose local time t + offset(t) lies in [a, b): per constant-offset segment
        for (const seg of segments) {
          const s = Math.max(seg.start, a - seg.offsetMs);
          const e = Math.min(seg.end, b - seg.offsetMs);
          if (s < e) spans.push(s, e);
        }
      }
    }
    // sort, merge touching spans (23:00–24:00 and the next day's 00:00–01:00), clip to the year
    const order = Array.from({ length: spans.length / 2 }, (_, k) => k).sort((x, y) => spans[2 * x]! - spans[2 * y]!);
    const merged: number[] = [];
    for (const k of order) {
      const s = Math.max(spans[2 * k]!, start);
      const e = Math.min(spans[2 * k + 1]!, end);
      if (s >= e) continue;
      if (merged.length > 0 && s <= merged[merged.length - 1]!) {
        if (e > merged[merged.length - 1]!) merged[merged.length - 1] = e;
      } else merged.push(s, e);
    }
    const n = merged.length / 2;
    const starts = new Float64Array(n);
    const ends = new Float64Array(n);
    const cum = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      starts[i] = merged[2 * i]!;
      ends[i] = merged[2 * i + 1]!;
      cum[i + 1] = cum[i]! + (ends[i]! - starts[i]!);
    }
    if (this.chunks.size >= MAX_CACHED_YEARS) this.chunks.clear();
    const chunk: Chunk = { year, start, end, n, starts, ends, cum, total: cum[n]! };
    this.chunks.set(year, chunk);
    return chunk;
  }
}

/** Index of the first element > x in `arr[0..n)` (n when none). */
function firstAbove(arr: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Working ms in `[c.start, t)`, for t in `[c.start, c.end]`. */
function workedBefore(c: Chunk, t: number): number {
  const i = firstAbove(c.starts, c.n, t) - 1;
  if (i < 0) return 0;
  const e = c.ends[i]!;
  return c.cum[i]! + ((t < e ? t : e) - c.starts[i]!);
}

function dateMs(value: Date, name: string): number {
  if (!(value instanceof Date)) throw new TypeError(`${name} must be a Date`);
  return value.getTime();
}

function checkMs(ms: number, name: string): number {
  if (!(ms >= MIN_MS && ms <= MAX_MS)) {
    throw new RangeError(
      `${name} must be a valid instant between years 1000 and 9999, got ${Number.isNaN(ms) ? 'an invalid Date' : ms}`,
    );
  }
  return ms;
}
