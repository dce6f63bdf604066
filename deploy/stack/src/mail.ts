// The local stack's real message sinks: MailDev (npm, a real SMTP server with a web UI and an HTTP API
// for reading what was sent) and a tiny HTTP endpoint standing in for an SMS provider, which records
// what it received (POST /sms) and answers what it recorded (GET /sms).
import { createServer, type Server } from 'node:http';
import * as path from 'node:path';
import { assertPortFree, sleep, spawnLogged, stopChild, tailFile, type ManagedChild } from './processes';
import { repoRoot } from './paths';

const HOST = '127.0.0.1';

export interface MailHandle {
  /** Where services send mail (INTERACTION_SMTP_URL). */
  smtpUrl: string;
  /**
   * MailDev's web UI; its HTTP API is `${webUrl}api/email` (list), `${webUrl}api/email/<id>/source`
   * (the raw message), `${webUrl}api/email/all` (DELETE).
   */
  webUrl: string;
  stop(): Promise<void>;
}

export interface SmsSinkHandle {
  /** Where services POST SMS ({ to, text, messageId }) and where tests GET what was received. */
  url: string;
  stop(): Promise<void>;
}

/** Starts MailDev (in-memory storage) on the two ports and waits until its API answers. */
export async function startMail(opts: {
  smtpPort: number;
  webPort: number;
  logDir: string;
  log?: (line: string) => void;
}): Promise<MailHandle> {
  await assertPortFree(HOST, opts.smtpPort, 'maildev smtp');
  await assertPortFree(HOST, opts.webPort, 'maildev web');
  const logFile = path.join(opts.logDir, 'maildev.log');
  const child: ManagedChild = spawnLogged({
    name: 'maildev',
    command: process.execPath,
    args: [
      path.join(repoRoot(), 'node_modules', 'maildev', 'dist', 'bin', 'maildev.js'),
      '--smtp',
      String(opts.smtpPort),
      '--ip',
      HOST,
      '--web',
      String(opts.webPort),
      '--web-ip',
      HOST,
      '--max-emails',
      '5000',
    ],
    logFile,
    cwd: opts.logDir,
    parentDeathSignal: 'SIGTERM',
    emergencySignal: 'SIGKILL',
  });
  const webUrl = `http://${HOST}:${opts.webPort}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!child.isRunning())
      throw new Error(
        `mail: MailDev exited during start-up\n--- ${logFile} ---\n${tailFile(logFile, 30, child.logOffset)}`,
      );
    try {
      if ((await fetch(`${webUrl}api/healthz`, { signal: AbortSignal.timeout(2_000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child, { signal: 'SIGKILL', timeoutMs: 5_000 });
      throw new Error(
        `mail: MailDev was not ready within 30 s\n--- ${logFile} ---\n${tailFile(logFile, 30, child.logOffset)}`,
      );
    }
    await sleep(200);
  }
  opts.log?.(`mail: MailDev ready, SMTP smtp://${HOST}:${opts.smtpPort}, web ${webUrl}`);
  return {
    smtpUrl: `smtp://${HOST}:${opts.smtpPort}`,
    webUrl,
    stop: async () => {
      await stopChild(child, { signal: 'SIGTERM', timeoutMs: 5_000 });
    },
  };
}

/** The SMS sink: records every POST /sms in memory (the last 10 000), answers them on GET /sms, forgets on DELETE /sms. */
export async function startSmsSink(port: number): Promise<SmsSinkHandle> {
  await assertPortFree(HOST, port, 'sms sink');
  const received: Array<Record<string, unknown> & { receivedAt: string }> = [];
  const server: Server = createServer((req, res) => {
    if (req.url !== '/sms') {
      res.writeHead(404).end();
      return;
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received));
      return;
    }
    if (req.method === 'DELETE') {
      received.length = 0;
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        if (typeof body.to !== 'string' || typeof body.text !== 'string') throw new Error('to and text expected');
        received.push({ ...body, receivedAt: new Date().toISOString() });
        if (received.length > 10_000) received.shift();
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, resolve);
  });
  return {
    url: `http://${HOST}:${port}/sms`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
