import { ProblemException } from '@rapport/platform-http';

/**
 * A path parameter checked against the pattern the OpenAPI document states for it (PATH_PARAMETER_SCHEMAS):
 * the value itself, or 400 naming the parameter. Ids that are UUIDs use ParseUUIDPipe instead.
 */
export function checkedPathParam(value: string, pattern: RegExp, field: string, message: string): string {
  if (!pattern.test(value))
    throw new ProblemException('validation', `${field} ${message}`, { errors: [{ field, message }] });
  return value;
}
