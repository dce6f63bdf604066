/**
 * PostgreSQL errors that say "busy, try again" rather than "broken": too many connections, starting
 * up, a serialization failure or deadlock (the transaction was rolled back whole), a lock not
 * available. Matched on the SQLSTATE, which pg and TypeORM's QueryFailedError carry as `code`.
 * The one list: consumers retry on these (isTransientDatabaseError), HTTP answers 503 on them.
 */
export const BUSY_SQLSTATES: ReadonlySet<string> = new Set(['53300', '57P03', '40001', '40P01', '55P03']);

/** pg-pool's own messages when no connection comes within connectionTimeoutMillis. */
const POOL_TIMEOUT_MESSAGES: ReadonlySet<string> = new Set([
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
]);

/** The database was too busy to take the work; nothing was written, and the same work succeeds later. */
export function isDatabaseBusy(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && BUSY_SQLSTATES.has(code)) || POOL_TIMEOUT_MESSAGES.has(error.message);
}

/**
 * Errors worth retrying for a consumer: the busy ones above, and a lost or refused connection or a
 * server shutting down (08xxx, 57P01, 57P02), after which the transaction's outcome is retried whole.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (isDatabaseBusy(error)) return true;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') {
    if (code.startsWith('08')) return true; // connection exception
    if (code === '57P01' || code === '57P02') return true; // admin or crash shutdown
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code)) return true;
  }
  const message = (error as Error)?.message ?? '';
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(message);
}
