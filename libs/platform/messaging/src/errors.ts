import { isTransientDatabaseError } from '@rapport/platform-database';

/** A fault expected to pass (a dependency is briefly away): retry with backoff, never dead-letter. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/** A message that can never be processed (bad envelope, bad payload): dead-letter at once. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
  constructor(
    readonly reason: 'envelope' | 'schema' | 'handler',
    message: string,
  ) {
    super(message);
  }
}

export type FailureKind = 'transient' | 'poison' | 'unknown';

/**
 * Decides what a handler failure means. Unknown errors are retried a few times and then
 * dead-lettered, so one bad message never stalls its partition.
 */
export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof PoisonMessageError) return 'poison';
  if (error instanceof TransientError || isTransientDatabaseError(error)) return 'transient';
  return 'unknown';
}

/** Exponential backoff with full jitter, capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
