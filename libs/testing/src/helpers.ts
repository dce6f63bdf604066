import { randomUUID } from 'node:crypto';
import { createMessageBus, type IncomingRecord, type MessageBus } from '@rapport/platform-messaging';
import { createLogger } from '@rapport/platform-observability';
import { Client } from 'pg';
import type request from 'supertest';
import { demoUserToken } from '@rapport/stack';
import { stackInfo } from './stack-file';

/** Polls until `check` returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** Asks the process that owns the test stack to stop/start the broker or a service. */
export async function control(action: string): Promise<void> {
  // A fresh connection per call: a pooled keep-alive socket may have been closed meanwhile.
  const response = await fetch(`${stackInfo().controlUrl}/${action}`, {
    method: 'POST',
    headers: { connection: 'close' },
    signal: AbortSignal.timeout(120_000),
  });
  if (!response.ok) throw new Error(`control ${action} failed: ${await response.text()}`);
}

export function testBus(): MessageBus {
  return createMessageBus(
    { clientId: `test-${randomUUID().slice(0, 8)}`, brokers: stackInfo().brokers },
    createLogger('test', 'error'),
  );
}

/** Superuser connection to the test database, for assertions and for tests' own schemas. */
export async function adminClient(): Promise<Client> {
  const client = new Client({ connectionString: stackInfo().databaseUrl });
  await client.connect();
  return client;
}

/** Reads a topic from the beginning with a throw-away group, collecting records that match. */
export async function collectRecords(
  bus: MessageBus,
  topic: string,
  matches: (record: IncomingRecord) => boolean,
): Promise<{ records: IncomingRecord[]; stop: () => Promise<void> }> {
  const records: IncomingRecord[] = [];
  const consumer = bus.consumer(`test-reader-${randomUUID()}`);
  await consumer.start({
    topics: [topic],
    fromBeginning: true,
    handle: async (record) => {
      if (matches(record)) records.push(record);
    },
  });
  return { records, stop: () => consumer.stop() };
}

const tokenCache = new Map<string, Promise<string>>();

/** A bearer token for a demo user of the embedded OpenID provider (cached per test file). */
export function userToken(username: 'admin' | 'exec' | 'manager' | 'agent1' | 'agent2' | 'analyst'): Promise<string> {
  if (!tokenCache.has(username)) tokenCache.set(username, demoUserToken(stackInfo().gatewayUrl, username));
  return tokenCache.get(username)!;
}

/** `Authorization` header value for a demo user. */
export async function bearer(username: Parameters<typeof userToken>[0]): Promise<string> {
  return `Bearer ${await userToken(username)}`;
}

/** A supertest body parser that keeps a streamed text answer (CSV exports) as one string: `.buffer(true).parse(textBody)`. */
export function textBody(response: request.Response, callback: (error: Error | null, body: string) => void): void {
  let text = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => (text += chunk));
  response.on('end', () => callback(null, text));
}

/** The metric names (their `# TYPE` lines) that the stack's services export, after a first readiness probe of each. */
export async function exportedMetricNames(): Promise<Set<string>> {
  const exported = new Set<string>();
  for (const url of Object.values(stackInfo().serviceUrls)) {
    await fetch(`${url}/health/ready`); // readiness metrics are set by the first probe
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const m of text.matchAll(/^# TYPE (\S+) /gm)) exported.add(m[1]!);
  }
  return exported;
}
