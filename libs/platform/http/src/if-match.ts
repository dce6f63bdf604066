import { ProblemException } from './problem';

/**
 * If-Match carries the version a client read (a resource's ETag is `"<version>"`): the gateway turns it
 * into the `version` of the body it forwards, and a service called directly reads it the same way.
 * Neither given: undefined, an unconditional change. Both given and different: at most one of them can be the
 * current version, so the precondition fails → 412 (a request valid in form, as the document states it).
 * So does "0": versions start at 1, so no resource is at version 0 (the document's pattern allows it,
 * and Schemathesis sent it; the body's `version` would have refused it with a 400).
 */
export function versionFromIfMatch(header: string | undefined, bodyVersion: number | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return bodyVersion;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) {
    throw new ProblemException('validation', 'If-Match must be an ETag read from the resource, such as "3"', {
      errors: [{ field: 'If-Match', message: 'If-Match must be an ETag such as "3"' }],
    });
  }
  const version = Number(match[1]);
  if (version === 0) {
    throw new ProblemException('preconditionFailed', 'No resource is at version 0: versions start at 1', {
      errors: [{ field: 'If-Match', message: 'If-Match names version 0, which no resource has' }],
    });
  }
  if (bodyVersion !== undefined && bodyVersion !== version) {
    throw new ProblemException('preconditionFailed', 'version and If-Match disagree', {
      errors: [{ field: 'version', message: `version ${bodyVersion} differs from If-Match ${version}` }],
    });
  }
  return version;
}
