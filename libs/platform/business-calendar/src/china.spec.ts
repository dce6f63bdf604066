import chineseDays from 'chinese-days/dist/chinese-days.json';
import {
  addBusinessMinutes,
  businessSecondsBetween,
  compileBusinessCalendar,
  toCalendarIso,
} from './business-calendar';
import { CHINA_STANDARD_WINDOWS, chinaOfficialDataYears, chinaOfficialOverrides, chinaStandardCalendar } from './china';

const DAY = 86_400_000;
const { first, last } = chinaOfficialDataYears();
const holidays: Record<string, string> = chineseDays.holidays;
const workdays: Record<string, string> = chineseDays.workdays;

/** Shanghai wall-clock → instant (no DST in China since 1991). */
const shanghai = (date: string, time = '00:00'): Date => new Date(`${date}T${time}:00+08:00`);
const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const weekday = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();
const hhmm = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

describe('China official arrangement (chinese-days)', () => {
  const all = chinaOfficialOverrides({ from: first, to: last });
  const calendar = compileBusinessCalendar(chinaStandardCalendar({ from: first, to: last }));
  const iso = (at: Date): string => toCalendarIso(calendar, at);

  it('covers 2004 up to at least 2026 and takes every entry of the package, sorted by date', () => {
    expect(first).toBe(2004);
    expect(last).toBeGreaterThanOrEqual(2026);
    expect(all.filter((o) => o.kind === 'holiday').map((o) => o.date)).toEqual(Object.keys(holidays).sort());
    expect(all.filter((o) => o.kind === 'workday').map((o) => o.date)).toEqual(Object.keys(workdays).sort());
    expect(all.map((o) => o.date)).toEqual([...all.map((o) => o.date)].sort());
    expect(all.find((o) => o.date === '2026-02-16')).toEqual({
      date: '2026-02-16',
      kind: 'holiday',
      name: '春节 Spring Festival',
    });
  });

  describe('golden: every make-up working day of the data is worked', () => {
    const madeUp = all.filter((o) => o.kind === 'workday');

    it.each(madeUp.map((o, i) => [o.date, o.name, 1 + ((i * 37) % 180)] as const))(
      '%s (%s): from 20:00 the evening before, +%i min lands that morning at 09:00 + n',
      (date, _name, n) => {
        expect([0, 6]).toContain(weekday(date));
        const deadline = addBusinessMinutes(calendar, shanghai(addDays(date, -1), '20:00'), n);
        expect(iso(deadline)).toBe(`${date}T${hhmm(9 * 60 + n)}:00+08:00`);
        expect(businessSecondsBetween(calendar, shanghai(date), shanghai(addDays(date, 1)))).toBe(7.5 * 3600);
      },
    );
  });

  describe('golden: every holiday of the data is skipped', () => {
    /** The next working date after `date`, read straight from the package's data. */
    const nextWorkingDate = (date: string): string => {
      for (let d = addDays(date, 1); ; d = addDays(d, 1)) {
        if (workdays[d] !== undefined) return d;
        if (holidays[d] === undefined && weekday(d) >= 1 && weekday(d) <= 5) return d;
      }
    };

    it('no working time on any holiday; a deadline started that day lands on the next working day', () => {
      const holidayDates = all.filter((o) => o.kind === 'holiday').map((o) => o.date);
      expect(holidayDates.length).toBeGreaterThan(600);
      for (const date of holidayDates) {
        const midnight = shanghai(date);
        expect(businessSecondsBetween(calendar, midnight, shanghai(addDays(date, 1)))).toBe(0);
        expect(iso(addBusinessMinutes(calendar, shanghai(date, '10:00'), 1))).toBe(
          `${nextWorkingDate(date)}T09:01:00+08:00`,
        );
      }
    });
  });

  describe('Spring Festival 2026 (holidays 15–23 February, make-up Saturdays 14 and 28 February)', () => {
    it('matches the State Council notice', () => {
      const february = chinaOfficialOverrides({ from: 2026, to: 2026 }).filter((o) => o.date.startsWith('2026-02'));
      expect(february.filter((o) => o.kind === 'holiday').map((o) => o.date)).toEqual(
        Array.from({ length: 9 }, (_, i) => `2026-02-${15 + i}`),
      );
      expect(february.filter((o) => o.kind === 'workday').map((o) => o.date)).toEqual(['2026-02-14', '2026-02-28']);
    });

    it('Friday 13 February 17:30 + 60 min is Saturday 14 February 09:30', () => {
      expect(iso(addBusinessMinutes(calendar, shanghai('2026-02-13', '17:30'), 60))).toBe('2026-02-14T09:30:00+08:00');
      // from 17:00 the Friday's last hour takes all 60 minutes; 90 reach into the make-up Saturday
      expect(iso(addBusinessMinutes(calendar, shanghai('2026-02-13', '17:00'), 60))).toBe('2026-02-13T18:00:00+08:00');
      expect(iso(addBusinessMinutes(calendar, shanghai('2026-02-13', '17:00'), 90))).toBe('2026-02-14T09:30:00+08:00');
    });

    it('Saturday 14 February 17:00 + 120 min skips the nine holidays to Tuesday 24 February 10:00', () => {
      expect(iso(addBusinessMinutes(calendar, shanghai('2026-02-14', '17:00'), 120))).toBe('2026-02-24T10:00:00+08:00');
      expect(iso(addBusinessMinutes(calendar, shanghai('2026-02-27', '17:00'), 120))).toBe('2026-02-28T10:00:00+08:00');
      expect(businessSecondsBetween(calendar, shanghai('2026-02-13', '09:00'), shanghai('2026-02-24', '18:00'))).toBe(
        3 * 7.5 * 3600,
      );
      // lunch 12:00–13:30 is not working time
      expect(iso(addBusinessMinutes(calendar, shanghai('2026-02-24', '11:30'), 45))).toBe('2026-02-24T13:45:00+08:00');
    });
  });

  it('chinaStandardCalendar takes other windows (for weekdays and make-up days alike)', () => {
    const windows = [{ start: '08:30', end: '17:30' }];
    const custom = chinaStandardCalendar({ from: 2026, to: 2026, windows });
    expect(custom.timeZone).toBe('Asia/Shanghai');
    expect(custom.weekly[1]).toEqual(windows);
    expect(custom.weekly[6]).toBeUndefined();
    expect(toCalendarIso(custom, addBusinessMinutes(custom, shanghai('2026-02-13', '17:00'), 60))).toBe(
      '2026-02-14T09:00:00+08:00',
    );
    expect(chinaStandardCalendar({ from: 2026, to: 2026 }).weekly[5]).toBe(CHINA_STANDARD_WINDOWS);
  });

  it('refuses years the package has no arrangement for', () => {
    expect(() => chinaOfficialOverrides({ from: 2026, to: 2100 })).toThrow(/official arrangement for 2004–\d{4} only/);
    expect(() => chinaOfficialOverrides({ from: 2027, to: 2026 })).toThrow(RangeError);
    expect(() => chinaStandardCalendar({ from: 1999, to: 2000 })).toThrow(RangeError);
  });
});
