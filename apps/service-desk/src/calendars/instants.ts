import { CALENDAR_INSTANT_PATTERN } from '@rapport/contracts';
import { CalendarsErrorCode, CalendarsException } from './calendars.exception';

/** A deadline is searched this far ahead of `from`, and a business-minutes range spans at most this. */
export const HORIZON_YEARS = 10;
export const HORIZON_MS = Math.round(HORIZON_YEARS * 365.25 * 86_400_000);

/**
 * A query's instant: ISO 8601 to the second with an offset or Z in the years 1970–2199 (the contract's
 * pattern), and a real date (no 2026-02-30, which Date would roll over to March). Anything else is 400
 * naming the field.
 */
export function parseInstant(value: unknown, field: string): Date {
  const refuse = (why: string): never => {
    throw CalendarsException.onField(CalendarsErrorCode.InvalidInstant, `${field} ${why}`, field);
  };
  if (typeof value !== 'string' || !CALENDAR_INSTANT_PATTERN.test(value)) {
    const hint = typeof value === 'string' && / \d{2}:\d{2}$/.test(value) ? ' (a + in a URL must be written %2B)' : '';
    return refuse(
      `must be an ISO 8601 instant to the second with an offset, in 1970–2199, such as 2026-02-14T17:00:00+08:00${hint}`,
    );
  }
  const [year, month, day] = [value.slice(0, 4), value.slice(5, 7), value.slice(8, 10)].map(Number);
  if (day! > new Date(Date.UTC(year!, month!, 0)).getUTCDate()) return refuse(`is not a real date: ${value}`);
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return refuse(`is not a valid instant: ${value}`);
  return at;
}
