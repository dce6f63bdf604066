import { TicketsErrorCode, TicketsException } from './tickets.exception';

/**
 * The version a conditional change is based on: If-Match (the ticket's ETag, `"3"`) or `version` in
 * the body (what the gateway sends). Both given and different: at most one can be current → 412.
 * Neither: undefined (an unconditional change).
 */
export function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '') return bodyVersion;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
  if (!match)
    throw TicketsException.onField(
      TicketsErrorCode.InvalidIfMatch,
      'If-Match must be the ETag of the ticket, such as "3"',
      'If-Match',
    );
  const version = Number(match[1]);
  if (bodyVersion !== undefined && bodyVersion !== version)
    throw new TicketsException(
      TicketsErrorCode.StaleVersion,
      `version ${bodyVersion} differs from If-Match ${version}`,
      { errors: [{ field: 'version', message: `version ${bodyVersion} differs from If-Match ${version}` }] },
    );
  return version;
}
