import { CalendarsErrorCode, CalendarsException } from './calendars.exception';

/**
 * The version a conditional change is based on: If-Match (the calendar's ETag, `"3"`) or `version` in the
 * body (what the gateway sends). Both given and different: at most one can be current → 412. Neither:
 * undefined (a replacement then answers 428; an overrides batch is unconditional).
 */
export function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '') return bodyVersion;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
  if (!match)
    throw CalendarsException.onField(
      CalendarsErrorCode.InvalidIfMatch,
      'If-Match must be the ETag of the calendar, such as "3"',
      'If-Match',
    );
  const version = Number(match[1]);
  if (bodyVersion !== undefined && bodyVersion !== version)
    throw CalendarsException.onField(
      CalendarsErrorCode.StaleVersion,
      `version ${bodyVersion} differs from If-Match ${version}`,
      'version',
    );
  return version;
}
