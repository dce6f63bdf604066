import fc from 'fast-check';
import {
  addBusinessMinutes,
  addBusinessSeconds,
  alwaysOpenCalendar,
  businessMinutesBetween,
  businessSecondsBetween,
  compileBusinessCalendar,
  isWorkingTime,
  nextWorkingInstant,
  toCalendarIso,
} from './business-calendar';
import { NoWorkingTimeError } from './compiled-calendar';
import type { BusinessCalendar, CalendarOverride, IsoWeekday, WorkingWindow } from './model';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** More runs for a one-off deeper check: BUSINESS_CALENDAR_RUNS=25 (a multiplier of the default run counts, which keep this file under ~10 s). */
const RUNS = Number(process.env['BUSINESS_CALENDAR_RUNS'] ?? 1);
const ZONES = ['Asia/Shanghai', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe'] as const;

const iso = (calendar: BusinessCalendar, at: Date): string => toCalendarIso(calendar, at);
const at = (s: string): Date => new Date(s);

// ---------------------------------------------------------------------------------------------------
// Reference: a deliberately naive model. Every UTC minute of a range is classified by formatting it in
// the zone with Intl and looking its local date/time up in the calendar as written (no offsets, no
// intervals); sums and deadlines then walk the minutes. Windows and offsets are whole minutes, so a UTC
// minute is entirely working time or entirely not.

const hhmm = (value: string): number => Number(value.slice(0, 2)) * 60 + Number(value.slice(3, 5));
const inWindows = (windows: readonly WorkingWindow[], minute: number): boolean =>
  windows.some((w) => minute >= hhmm(w.start) && minute < hhmm(w.end));

function referenceIsWorking(calendar: BusinessCalendar, date: string, weekday: IsoWeekday, minute: number): boolean {
  const override = calendar.overrides?.find((o) => o.date === date);
  const usual = calendar.weekly[weekday] ?? [];
  if (!override) return inWindows(usual, minute);
  switch (override.kind) {
    case 'holiday':
      return false;
    case 'workday':
      return inWindows(override.windows ?? calendar.weekly[1] ?? [], minute);
    case 'closure':
      return inWindows(usual, minute) && !inWindows(override.windows ?? [], minute);
  }
}

class Reference {
  /** 1 when the UTC minute [start + i min, start + (i + 1) min) is working time. */
  readonly flags: Uint8Array;
  /** Working minutes before minute i. */
  readonly before: Uint32Array;

  constructor(
    calendar: BusinessCalendar,
    readonly start: number,
    minutes: number,
  ) {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: calendar.timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    this.flags = new Uint8Array(minutes);
    this.before = new Uint32Array(minutes + 1);
    for (let i = 0; i < minutes; i++) {
      // "03/29/2026, 02:00"
      const [, month, day, year, hour, minute] = /^(\d\d)\/(\d\d)\/(\d{4}), (\d\d):(\d\d)$/.exec(
        format.format(new Date(start + i * MINUTE)),
      )!;
      const date = `${year}-${month}-${day}`;
      const weekday = (((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1) as IsoWeekday;
      this.flags[i] = referenceIsWorking(calendar, date, weekday, Number(hour) * 60 + Number(minute)) ? 1 : 0;
      this.before[i + 1] = this.before[i]! + this.flags[i]!;
    }
  }

  get end(): number {
    return this.start + this.flags.length * MINUTE;
  }

  isWorking(t: number): boolean {
    return this.flags[Math.floor((t - this.start) / MINUTE)] === 1;
  }

  /** Working ms in [start, t). */
  private workedBefore(t: number): number {
    const i = Math.floor((t - this.start) / MINUTE);
    if (i >= this.flags.length) return this.before[this.flags.length]! * MINUTE;
    return this.before[i]! * MINUTE + (this.flags[i] === 1 ? t - (this.start + i * MINUTE) : 0);
  }

  /** Working ms in [a, b), a <= b, both inside the range. */
  between(a: number, b: number): number {
    return this.workedBefore(b) - this.workedBefore(a);
  }

  /** Earliest t with `ms` of working time in [a, t), walking minute by minute; undefined when past the range. */
  add(a: number, ms: number): number | undefined {
    let t = a;
    let remaining = ms;
    while (remaining > 0) {
      if (t >= this.end) return undefined;
      const minuteEnd = this.start + (Math.floor((t - this.start) / MINUTE) + 1) * MINUTE;
      if (this.isWorking(t)) {
        const take = Math.min(remaining, minuteEnd - t);
        remaining -= take;
        t += take;
      } else t = minuteEnd;
    }
    return t;
  }

  next(a: number): number | undefined {
    if (this.isWorking(a)) return a;
    for (let i = Math.floor((a - this.start) / MINUTE) + 1; i < this.flags.length; i++) {
      if (this.flags[i] === 1) return this.start + i * MINUTE;
    }
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// Arbitraries: random calendars around DST changes

const pad = (n: number): string => String(n).padStart(2, '0');
const toHhmm = (minutes: number): string => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
const dateOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Minute points: anywhere, or on the hours where DST changes happen (00:00–03:00) and the day's ends. */
const point = fc.oneof(
  fc.integer({ min: 0, max: 1440 }),
  fc.constantFrom(0, 60, 90, 105, 120, 135, 150, 180, 1440),
  fc.integer({ min: 0, max: 96 }).map((q) => q * 15),
);

/** 0–3 non-overlapping windows (touching allowed), in random order. */
const windows = (min = 0): fc.Arbitrary<WorkingWindow[]> =>
  fc
    .uniqueArray(point, { minLength: 2 * min, maxLength: 6 })
    .chain((points) => {
      const sorted = [...points].sort((a, b) => a - b);
      const pairs: WorkingWindow[] = [];
      for (let i = 0; i + 1 < sorted.length; i += 2)
        pairs.push({ start: toHhmm(sorted[i]!), end: toHhmm(sorted[i + 1]!) });
      return fc.shuffledSubarray(pairs, { minLength: pairs.length, maxLength: pairs.length });
    })
    .filter((w) => w.length >= min);

/** Days where at least one of the zones changes its offset (2025–2027), and a few ordinary ones. */
const ANCHORS = [
  '2025-03-09',
  '2025-03-30',
  '2025-04-06',
  '2025-10-05',
  '2025-10-26',
  '2025-11-02', // prettier-ignore
  '2026-03-08',
  '2026-03-29',
  '2026-04-05',
  '2026-10-04',
  '2026-10-25',
  '2026-11-01',
  '2026-02-14',
  '2026-12-31',
  '2027-01-01',
  '2027-03-14',
  '2027-04-04',
  '2027-10-03',
].map((d) => Date.parse(`${d}T00:00:00Z`));

const RANGE_DAYS = 8;

interface Scenario {
  calendar: BusinessCalendar;
  rangeStart: number;
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    anchor: fc.constantFrom(...ANCHORS),
    shiftDays: fc.integer({ min: -4, max: 1 }),
    shiftMinutes: fc.integer({ min: 0, max: 1439 }),
    days: fc.tuple(windows(1), windows(), windows(), windows(), windows(), windows(), windows()),
    overrides: fc.uniqueArray(
      fc.record({
        day: fc.integer({ min: -1, max: RANGE_DAYS }),
        kind: fc.constantFrom('holiday', 'workday', 'closure') as fc.Arbitrary<CalendarOverride['kind']>,
        windows: fc.option(windows(1), { nil: undefined }),
      }),
      { selector: (o) => o.day, maxLength: 5 },
    ),
  })
  .map(({ timeZone, anchor, shiftDays, shiftMinutes, days, overrides }) => {
    const rangeStart = anchor + shiftDays * DAY + shiftMinutes * MINUTE;
    const weekly: Partial<Record<IsoWeekday, WorkingWindow[]>> = {};
    days.forEach((w, i) => {
      if (w.length > 0 || i % 2 === 0) weekly[(i + 1) as IsoWeekday] = w;
    });
    const calendar: BusinessCalendar = {
      timeZone,
      weekly,
      overrides: overrides.map(({ day, kind, windows: w }) => ({
        date: dateOf(rangeStart + day * DAY),
        kind,
        ...(kind === 'closure' ? { windows: w ?? [{ start: '10:00', end: '11:00' }] } : {}),
        ...(kind === 'workday' && w ? { windows: w } : {}),
      })),
    };
    return { calendar, rangeStart };
  });

const fraction = fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000);

// ---------------------------------------------------------------------------------------------------

describe('business calendar arithmetic', () => {
  describe('against a minute-by-minute reference on random calendars', () => {
    it('isWorkingTime, nextWorkingInstant, businessSecondsBetween and addBusinessSeconds agree with it', () => {
      fc.assert(
        fc.property(
          scenario,
          fc.array(fc.tuple(fraction, fraction, fraction, fc.boolean()), { minLength: 8, maxLength: 8 }),
          ({ calendar, rangeStart }, queries) => {
            const ref = new Reference(calendar, rangeStart, RANGE_DAYS * 1440);
            const compiled = compileBusinessCalendar(calendar);
            const span = ref.end - rangeStart;
            for (const [p, q, r, onMinute] of queries) {
              // starts and ends on whole seconds, or exactly on minute boundaries
              const unit = onMinute ? MINUTE : 1000;
              const from = rangeStart + Math.floor((p * span) / 2 / unit) * unit;
              const to = from + Math.floor((q * (ref.end - from)) / unit) * unit;
              const fromDate = new Date(from);

              expect(compiled.isWorkingTime(fromDate)).toBe(ref.isWorking(from));
              const next = ref.next(from);
              if (next !== undefined) expect(compiled.nextWorkingInstant(fromDate).getTime()).toBe(next);

              const between = ref.between(from, to);
              expect(businessSecondsBetween(compiled, fromDate, new Date(to))).toBe(between / 1000);
              expect(businessSecondsBetween(compiled, new Date(to), fromDate)).toBe(
                between === 0 ? 0 : -between / 1000,
              );

              const available = ref.between(from, ref.end);
              const seconds = Math.floor((r * available) / unit) * (unit / 1000);
              const expected = ref.add(from, seconds * 1000);
              const deadline = addBusinessSeconds(compiled, fromDate, seconds);
              expect(deadline.getTime()).toBe(expected);
              expect(businessSecondsBetween(compiled, fromDate, deadline)).toBe(seconds);
              if (onMinute) expect(addBusinessMinutes(compiled, fromDate, seconds / 60).getTime()).toBe(expected);
            }
          },
        ),
        { numRuns: 40 * RUNS },
      );
    });
  });

  it('businessSecondsBetween(from, addBusinessSeconds(from, n)) === n over long durations', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.integer({ min: -400, max: 400 }),
        fc.array(fc.integer({ min: 0, max: 200 * 86_400 }), { minLength: 5, maxLength: 5 }),
        ({ calendar }, dayShift, durations) => {
          const compiled = compileBusinessCalendar(calendar);
          const from = new Date(Date.UTC(2026, 0, 1) + dayShift * DAY + (durations[0]! % 86_400) * 1000);
          for (const n of durations) {
            const deadline = compiled.addBusinessSeconds(from, n);
            expect(compiled.businessSecondsBetween(from, deadline)).toBe(n);
            if (n > 0) expect(compiled.isWorkingTime(new Date(deadline.getTime() - 1))).toBe(true);
          }
        },
      ),
      { numRuns: 60 * RUNS },
    );
  });

  describe('a 24/7 calendar', () => {
    it.each(ZONES)('is continuous across midnight and DST changes in %s', (zone) => {
      const calendar = alwaysOpenCalendar(zone);
      fc.assert(
        fc.property(
          fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 11, 31) }),
          fc.integer({ min: 0, max: 90 * 86_400 }),
          (fromMs, seconds) => {
            const from = new Date(fromMs);
            expect(addBusinessSeconds(calendar, from, seconds).getTime()).toBe(fromMs + seconds * 1000);
            expect(businessSecondsBetween(calendar, from, new Date(fromMs + seconds * 1000))).toBe(seconds);
            expect(isWorkingTime(calendar, from)).toBe(true);
          },
        ),
        { numRuns: 100 * RUNS },
      );
    });

    it('has no gap at midnight (the one-minute gap of 23:59–00:00 that Zammad has)', () => {
      const calendar = alwaysOpenCalendar('Asia/Shanghai');
      expect(isWorkingTime(calendar, at('2026-02-13T23:59:59.999+08:00'))).toBe(true);
      expect(isWorkingTime(calendar, at('2026-02-14T00:00:00+08:00'))).toBe(true);
      expect(businessSecondsBetween(calendar, at('2026-02-13T23:59:00+08:00'), at('2026-02-14T00:01:00+08:00'))).toBe(
        120,
      );
      expect(iso(calendar, addBusinessSeconds(calendar, at('2026-02-13T23:59:30+08:00'), 60))).toBe(
        '2026-02-14T00:00:30+08:00',
      );
    });
  });

  describe('across the March 2026 DST change', () => {
    const londonNineToFive: BusinessCalendar = {
      timeZone: 'Europe/London',
      weekly: { 1: [{ start: '09:00', end: '17:00' }], 5: [{ start: '09:00', end: '17:00' }] },
    };

    it('London 24/7: Sunday 29 March has 23 hours, the weekend 47', () => {
      const calendar = alwaysOpenCalendar('Europe/London');
      expect(businessSecondsBetween(calendar, at('2026-03-29T00:00:00+00:00'), at('2026-03-30T00:00:00+01:00'))).toBe(
        23 * 3600,
      );
      expect(businessSecondsBetween(calendar, at('2026-03-28T00:00:00+00:00'), at('2026-03-30T00:00:00+01:00'))).toBe(
        47 * 3600,
      );
      // 00:59:59 GMT + 1 s is 02:00:00 BST
      expect(iso(calendar, addBusinessSeconds(calendar, at('2026-03-29T00:59:59+00:00'), 1))).toBe(
        '2026-03-29T02:00:00+01:00',
      );
      expect(iso(calendar, addBusinessSeconds(calendar, at('2026-03-28T12:00:00+00:00'), 47 * 3600 + 1))).toBe(
        '2026-03-30T12:00:01+01:00',
      );
    });

    it('London 09:00–17:00: Friday 16:30 GMT + 3601 s is Monday 09:30:01 BST', () => {
      const from = at('2026-03-27T16:30:00+00:00');
      const deadline = addBusinessSeconds(londonNineToFive, from, 3601);
      expect(iso(londonNineToFive, deadline)).toBe('2026-03-30T09:30:01+01:00');
      expect(deadline.toISOString()).toBe('2026-03-30T08:30:01.000Z');
      expect(businessSecondsBetween(londonNineToFive, from, deadline)).toBe(3601);
      expect(businessMinutesBetween(londonNineToFive, from, deadline)).toBeCloseTo(60.0167, 4);
    });

    it('New York 09:00–17:00 Mon–Fri: Friday 16:30 EST + 60 min is Monday 09:30 EDT', () => {
      const calendar: BusinessCalendar = {
        timeZone: 'America/New_York',
        weekly: Object.fromEntries([1, 2, 3, 4, 5].map((d) => [d, [{ start: '09:00', end: '17:00' }]])),
      };
      const deadline = addBusinessMinutes(calendar, at('2026-03-06T16:30:00-05:00'), 60);
      expect(iso(calendar, deadline)).toBe('2026-03-09T09:30:00-04:00');
      expect(deadline.toISOString()).toBe('2026-03-09T13:30:00.000Z');
      expect(businessSecondsBetween(calendar, at('2026-03-06T09:00:00-05:00'), at('2026-03-09T17:00:00-04:00'))).toBe(
        16 * 3600,
      );
    });

    it('New York 24/7 and a window over the skipped hour 02:00–03:00', () => {
      const always = alwaysOpenCalendar('America/New_York');
      expect(iso(always, addBusinessSeconds(always, at('2026-03-07T00:00:00-05:00'), 47 * 3600))).toBe(
        '2026-03-09T00:00:00-04:00',
      );
      const night: BusinessCalendar = {
        timeZone: 'America/New_York',
        weekly: { 7: [{ start: '01:30', end: '03:30' }] },
      };
      // 01:30–02:00 EST, then 03:00–03:30 EDT: one hour
      expect(businessSecondsBetween(night, at('2026-03-08T00:00:00-05:00'), at('2026-03-08T12:00:00-04:00'))).toBe(
        3600,
      );
      expect(iso(night, addBusinessMinutes(night, at('2026-03-08T00:00:00-05:00'), 31))).toBe(
        '2026-03-08T03:01:00-04:00',
      );
    });

    it('London in October: the repeated hour 01:00–02:00 is worked twice', () => {
      const night: BusinessCalendar = { timeZone: 'Europe/London', weekly: { 7: [{ start: '00:00', end: '04:00' }] } };
      expect(businessSecondsBetween(night, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'))).toBe(5 * 3600);
      expect(iso(night, addBusinessMinutes(night, at('2026-10-24T12:00:00Z'), 90))).toBe('2026-10-25T01:30:00+01:00');
      expect(iso(night, addBusinessMinutes(night, at('2026-10-24T12:00:00Z'), 150))).toBe('2026-10-25T01:30:00+00:00');
    });
  });

  describe('starting outside working time and at the edges', () => {
    const calendar: BusinessCalendar = {
      timeZone: 'Asia/Shanghai',
      weekly: {
        1: [
          { start: '13:30', end: '18:00' },
          { start: '09:00', end: '12:00' },
        ],
      },
      overrides: [{ date: '2026-03-16', kind: 'closure', windows: [{ start: '10:00', end: '11:00' }] }],
    };

    it('starts at the next window, ends at the end of a window rather than the next morning', () => {
      expect(iso(calendar, addBusinessMinutes(calendar, at('2026-03-09T07:00:00+08:00'), 10))).toBe(
        '2026-03-09T09:10:00+08:00',
      );
      expect(iso(calendar, addBusinessMinutes(calendar, at('2026-03-09T12:30:00+08:00'), 10))).toBe(
        '2026-03-09T13:40:00+08:00',
      );
      expect(iso(calendar, addBusinessMinutes(calendar, at('2026-03-09T17:00:00+08:00'), 60))).toBe(
        '2026-03-09T18:00:00+08:00',
      );
      expect(iso(calendar, addBusinessMinutes(calendar, at('2026-03-09T17:00:00+08:00'), 61))).toBe(
        '2026-03-16T09:01:00+08:00',
      );
      // a zero duration is the start itself, even outside working time
      expect(addBusinessMinutes(calendar, at('2026-03-09T20:00:00+08:00'), 0).toISOString()).toBe(
        '2026-03-09T12:00:00.000Z',
      );
      expect(isWorkingTime(calendar, at('2026-03-09T18:00:00+08:00'))).toBe(false);
      expect(isWorkingTime(calendar, at('2026-03-09T09:00:00+08:00'))).toBe(true);
      expect(iso(calendar, nextWorkingInstant(calendar, at('2026-03-09T18:00:00+08:00')))).toBe(
        '2026-03-16T09:00:00+08:00',
      );
    });

    it('a closure takes its windows out of the day', () => {
      expect(iso(calendar, addBusinessMinutes(calendar, at('2026-03-16T09:30:00+08:00'), 45))).toBe(
        '2026-03-16T11:15:00+08:00',
      );
      expect(
        businessSecondsBetween(calendar, at('2026-03-16T00:00:00+08:00'), at('2026-03-17T00:00:00+08:00')) / 3600,
      ).toBe(6.5);
    });

    it('rejects negative durations and invalid dates', () => {
      expect(() => addBusinessMinutes(calendar, at('2026-03-09T09:00:00+08:00'), -1)).toThrow(RangeError);
      expect(() => addBusinessMinutes(calendar, new Date(NaN), 1)).toThrow(/invalid Date/);
      expect(() => isWorkingTime(calendar, new Date(NaN))).toThrow(RangeError);
    });
  });

  describe('a calendar without working time', () => {
    it('raises NoWorkingTimeError instead of searching for ever', () => {
      const empty: BusinessCalendar = { timeZone: 'Europe/London', weekly: {} };
      expect(() => addBusinessMinutes(empty, at('2026-01-01T00:00:00Z'), 1)).toThrow(NoWorkingTimeError);
      expect(() => nextWorkingInstant(empty, at('2026-01-01T00:00:00Z'))).toThrow(/no working time/);
      expect(businessSecondsBetween(empty, at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'))).toBe(0);
    });

    it('gives up after searchLimitYears empty years, but not while a later workday remains', () => {
      const onlyOverrides: BusinessCalendar = {
        timeZone: 'Asia/Shanghai',
        weekly: {},
        overrides: [{ date: '2029-06-01', kind: 'workday', windows: [{ start: '09:00', end: '10:00' }] }],
      };
      expect(iso(onlyOverrides, addBusinessMinutes(onlyOverrides, at('2026-01-01T00:00:00Z'), 30))).toBe(
        '2029-06-01T09:30:00+08:00',
      );
      expect(() => addBusinessMinutes(onlyOverrides, at('2026-01-01T00:00:00Z'), 61)).toThrow(NoWorkingTimeError);

      const closedForYears = compileBusinessCalendar(
        {
          timeZone: 'Asia/Shanghai',
          weekly: { 1: [{ start: '09:00', end: '10:00' }] },
          overrides: Array.from({ length: 4 * 53 }, (_, i) => ({
            date: new Date(Date.UTC(2026, 0, 5) + i * 7 * DAY).toISOString().slice(0, 10),
            kind: 'holiday' as const,
          })),
        },
        { searchLimitYears: 2 },
      );
      expect(() => closedForYears.addBusinessMinutes(at('2026-01-01T00:00:00Z'), 1)).toThrow(/in the 2 years after/);
    });
  });
});
