import { createServer, type Server } from 'node:http';
import { isServiceName } from '@rapport/contracts';
import type { Stack } from './stack';

/**
 * Tests run in Jest workers, apart from the process that owns the stack. This loopback-only server
 * lets them stop and start the broker or a service, as an operator would, or kill a service as a
 * crash would (`POST /services/<name>/kill`: SIGKILL, answers the pid; the stack restarts it).
 */
export function startControlServer(stack: Stack): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    const [, resource, name, action] = url.pathname.split('/');
    const main = url.searchParams.get('main') ?? undefined;
    const done = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'POST') return done(405, { error: 'POST only' });
    let work: Promise<unknown> | undefined;
    if (resource === 'kafka' && name === 'restart') work = stack.restartKafka();
    if (resource === 'kafka' && name === 'stop') work = stack.stopKafkaBroker();
    if (resource === 'services' && name && isServiceName(name) && action === 'stop') work = stack.stopService(name);
    if (resource === 'services' && name && isServiceName(name) && action === 'start')
      work = stack.startService(name, main);
    if (resource === 'services' && name && isServiceName(name) && action === 'kill')
      work = (async () => stack.killService(name))();
    if (!work) return done(404, { error: `unknown control ${req.url}` });
    work.then(
      (result) => done(200, { ok: true, ...(typeof result === 'object' ? result : {}) }),
      (error: Error) => done(500, { error: error.message }),
    );
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}
