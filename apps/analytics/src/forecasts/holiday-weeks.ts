import { chinaOfficialDataYears, chinaOfficialOverrides } from '@rapport/platform-business-calendar';

/**
 * Number of China's statutory holiday days (the official arrangement, from the platform's business
 * calendar; weekend days inside a holiday period count, make-up working days do not) in each week, the
 * weeks given by their Monday as YYYY-MM-DD (local dates in Asia/Shanghai). Returns the reason instead
 * when a week lies in a year the installed calendar data does not cover.
 */
export function holidayDaysPerWeek(weekStarts: readonly string[]): { days: number[] } | { unavailable: string } {
  if (weekStarts.length === 0) return { days: [] };
  const { first, last } = chinaOfficialDataYears();
  const from = Number(weekStarts[0]!.slice(0, 4));
  const to = Number(addDays(weekStarts.at(-1)!, 6).slice(0, 4));
  if (from < first || to > last) {
    return {
      unavailable:
        `China's official holiday arrangement is known for ${first}–${last} only, and the history and forecast ` +
        `reach ${from}–${to} (the State Council publishes a year's arrangement late in the year before).`,
    };
  }
  const holidays = new Set(
    chinaOfficialOverrides({ from, to })
      .filter((o) => o.kind === 'holiday')
      .map((o) => o.date),
  );
  return {
    days: weekStarts.map((monday) => {
      let count = 0;
      for (let i = 0; i < 7; i++) if (holidays.has(addDays(monday, i))) count++;
      return count;
    }),
  };
}

/** A calendar date plus whole days, as YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}
