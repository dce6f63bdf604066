import type { Server } from 'node:http';
import type { Stack } from '@rapport/stack';

export default async function globalTeardown(): Promise<void> {
  const handle = (globalThis as Record<string, unknown>)['__rapportTestStack'] as
    { stack: Stack; servers: Server[] } | undefined;
  if (!handle) return;
  await handle.stack.stop();
  for (const server of handle.servers) server.close();
}
