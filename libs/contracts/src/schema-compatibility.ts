/**
 * Event evolution rule: within a version, only optional fields may be added. This compares the JSON
 * Schema of an event's payload now with the one recorded when it was published, and lists every
 * change a consumer of the recorded version would trip over.
 */
type Json = { [key: string]: unknown };

export function compatibilityProblems(recorded: Json, current: Json, path = '$'): string[] {
  const problems: string[] = [];
  const type = (s: Json) => JSON.stringify(s['type'] ?? null);
  if (type(recorded) !== type(current))
    problems.push(`${path}: type changed from ${type(recorded)} to ${type(current)}`);
  if (Array.isArray(recorded['enum'])) {
    const now = new Set((current['enum'] as unknown[] | undefined) ?? []);
    const removed = (recorded['enum'] as unknown[]).filter((v) => !now.has(v));
    if (removed.length > 0) problems.push(`${path}: enum values removed: ${removed.join(', ')}`);
  }
  const recordedProps = (recorded['properties'] ?? {}) as Record<string, Json>;
  const currentProps = (current['properties'] ?? {}) as Record<string, Json>;
  const recordedRequired = new Set((recorded['required'] as string[] | undefined) ?? []);
  const currentRequired = new Set((current['required'] as string[] | undefined) ?? []);
  for (const [name, schema] of Object.entries(recordedProps)) {
    if (!(name in currentProps)) {
      problems.push(`${path}.${name}: field removed`);
      continue;
    }
    problems.push(...compatibilityProblems(schema, currentProps[name]!, `${path}.${name}`));
    if (recordedRequired.has(name) && !currentRequired.has(name))
      problems.push(`${path}.${name}: was required, now optional`);
  }
  for (const name of currentRequired) {
    if (!recordedRequired.has(name)) problems.push(`${path}.${name}: new required field (new fields must be optional)`);
  }
  if (recorded['items'] && current['items']) {
    problems.push(...compatibilityProblems(recorded['items'] as Json, current['items'] as Json, `${path}[]`));
  }
  return problems;
}
