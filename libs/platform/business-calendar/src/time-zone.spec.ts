import { addCalendarMonths } from './time-zone';

describe(addCalendarMonths.name, () => {
  const at = (iso: string) => new Date(iso);

  it('moves by calendar months in UTC, clamping to the last day of a shorter month', () => {
    expect(addCalendarMonths(at('2026-01-15T10:30:00Z'), 1)).toEqual(at('2026-02-15T10:30:00Z'));
    expect(addCalendarMonths(at('2026-01-31T00:00:00Z'), 1)).toEqual(at('2026-02-28T00:00:00Z'));
    expect(addCalendarMonths(at('2028-01-31T00:00:00Z'), 1)).toEqual(at('2028-02-29T00:00:00Z'));
    expect(addCalendarMonths(at('2026-03-31T23:00:00Z'), -1)).toEqual(at('2026-02-28T23:00:00Z'));
    expect(addCalendarMonths(at('2026-11-30T00:00:00Z'), 14)).toEqual(at('2028-01-30T00:00:00Z'));
  });
});
