import chineseDaysJson from 'chinese-days/dist/chinese-days.json';
import type { BusinessCalendar, CalendarOverride, IsoWeekday, WorkingWindow } from './model';

// China's official arrangement (国务院办公厅 notices) as shipped by the npm package `chinese-days`. Its
// data file is read, not its date functions: in 1.5.7 those shift dates by one day when the process runs in
// a time zone west of UTC (getDayDetail('2026-02-14') answers for 2026-02-13 under TZ=America/New_York).

/** The package's data file: date → "English name,中文名,n" per kind. */
interface ChineseDaysData {
  /** Statutory days off (weekends inside a holiday period included). */
  readonly holidays: Readonly<Record<string, string>>;
  /** Make-up working days (调休上班), all on a Saturday or Sunday. */
  readonly workdays: Readonly<Record<string, string>>;
}

const data: ChineseDaysData = chineseDaysJson;

/** Mon–Fri 09:00–12:00 and 13:30–18:00. */
export const CHINA_STANDARD_WINDOWS: readonly WorkingWindow[] = [
  { start: '09:00', end: '12:00' },
  { start: '13:30', end: '18:00' },
];

/** The years the installed `chinese-days` has an official arrangement for. */
export function chinaOfficialDataYears(): { first: number; last: number } {
  const years = Object.keys(data.holidays).map((date) => Number(date.slice(0, 4)));
  return { first: Math.min(...years), last: Math.max(...years) };
}

/**
 * The official arrangement for the years `from`–`to` (inclusive) as calendar overrides, sorted by date:
 * each statutory holiday day as `holiday`, each make-up working day as `workday` (no windows: the
 * calendar's Monday windows). Throws a RangeError for a year the installed package has no data for
 * (the State Council publishes a year's arrangement in November or December before it).
 */
export function chinaOfficialOverrides({ from, to }: { from: number; to: number }): CalendarOverride[] {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from > to)
    throw new RangeError(`chinaOfficialOverrides: need whole years from <= to, got ${from}–${to}`);
  const { first, last } = chinaOfficialDataYears();
  if (from < first || to > last) {
    throw new RangeError(
      `chinaOfficialOverrides: chinese-days has China's official arrangement for ${first}–${last} only, ` +
        `not ${from}–${to}; update the package once the year's notice is published`,
    );
  }
  const inRange = (date: string): boolean => {
    const year = Number(date.slice(0, 4));
    return year >= from && year <= to;
  };
  const overrides: CalendarOverride[] = [];
  for (const [date, label] of Object.entries(data.holidays)) {
    if (inRange(date)) overrides.push({ date, kind: 'holiday', name: festivalName(label) });
  }
  for (const [date, label] of Object.entries(data.workdays)) {
    if (inRange(date))
      overrides.push({ date, kind: 'workday', name: `${festivalName(label)} 调休上班 make-up working day` });
  }
  return overrides.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** "Spring Festival,春节,4" → "春节 Spring Festival". */
function festivalName(label: string): string {
  const [english, chinese] = label.split(',');
  return chinese ? `${chinese} ${english}` : (english ?? label);
}

export interface ChinaStandardCalendarOptions {
  /** First and last year of official overrides (must be in {@link chinaOfficialDataYears}). */
  readonly from: number;
  readonly to: number;
  /** Working windows of Monday to Friday and of make-up days. Default {@link CHINA_STANDARD_WINDOWS}. */
  readonly windows?: readonly WorkingWindow[];
  /** Default `Asia/Shanghai`. */
  readonly timeZone?: string;
}

/**
 * A Chinese office calendar: Asia/Shanghai, Monday to Friday 09:00–12:00 and 13:30–18:00 (or `windows`),
 * statutory holidays off and make-up Saturdays/Sundays worked, per the official arrangement of `from`–`to`.
 * Years outside that range get the plain weekly schedule.
 */
export function chinaStandardCalendar(options: ChinaStandardCalendarOptions): BusinessCalendar {
  const windows = options.windows ?? CHINA_STANDARD_WINDOWS;
  const weekly: Partial<Record<IsoWeekday, readonly WorkingWindow[]>> = {};
  for (const day of [1, 2, 3, 4, 5] as const) weekly[day] = windows;
  return {
    timeZone: options.timeZone ?? 'Asia/Shanghai',
    weekly,
    overrides: chinaOfficialOverrides({ from: options.from, to: options.to }),
  };
}
