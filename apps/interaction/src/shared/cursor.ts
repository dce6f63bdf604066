import { decodeCursor, encodeCursor } from '@rapport/platform-http';

/**
 * Keyset cursors of interaction's lists: the shared cursor (platform-http) holding the sort key as
 * PostgreSQL prints a timestamptz (microseconds, exact) and the row's id. A cursor that does not decode
 * to a real instant and a uuid is undefined (the caller answers 400), never a query PostgreSQL refuses.
 */
export interface CursorPosition {
  at: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PG_INSTANT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?([+-])(\d{2})(?::(\d{2}))?$/;

/** Whether `value` is a timestamptz as PostgreSQL prints it, with a real date and time. */
export function isPgInstant(value: string): boolean {
  const m = PG_INSTANT.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = [
    m[1],
    m[2],
    m[3],
    m[4],
    m[5],
    m[6],
    m[9],
    m[10] ?? '0',
  ].map(Number) as [number, number, number, number, number, number, number, number];
  return (
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= new Date(Date.UTC(year, month, 0)).getUTCDate() &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 15 &&
    offsetMinutes <= 59
  );
}

export function encodePosition(sort: string, position: CursorPosition): string {
  return encodeCursor(sort, position.at, position.id);
}

export function decodePosition(cursor: string, sort: string): CursorPosition | undefined {
  const decoded = decodeCursor(cursor, sort);
  if (!decoded || typeof decoded.key !== 'string' || !isPgInstant(decoded.key) || !UUID.test(decoded.id))
    return undefined;
  return { at: decoded.key, id: decoded.id };
}
