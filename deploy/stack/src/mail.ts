// The local stack's real message sinks: MailDev (npm, a real SMTP server with a web UI and an HTTP API
// for reading what was sent) and a tiny HTTP endpoint standing in for an SMS provider and for WeChat's
// customer-service API, which records what it received and answers what it recorded (GET /sms, GET /wechat).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

export interface ChannelSinkHandle {
  /** Where services POST SMS ({ to, text, messageId }) and where tests GET what was received. */
  smsUrl: string;
  /**
   * WeChat's API as interaction calls it (INTERACTION_WECHAT_API_URL): `cgi-bin/token` issues an access
   * token for any AppID and AppSecret, `cgi-bin/message/custom/send` records the message; what it
   * recorded is at `${wechatApiUrl}/wechat`.
   */
  wechatApiUrl: string;
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

/** What the sink keeps of each kind: the last 10 000, in memory. */
class Recorded {
  readonly items: Array<Record<string, unknown> & { receivedAt: string }> = [];
  add(item: Record<string, unknown>): void {
    this.items.push({ ...item, receivedAt: new Date().toISOString() });
    if (this.items.length > 10_000) this.items.shift();
  }
}

const WECHAT_ACCESS_TOKEN = 'rapport-local-wechat-token';

/**
 * The SMS and WeChat sink: records every POST /sms and every WeChat customer-service message, answers
 * them on GET /sms and GET /wechat, forgets on DELETE. WeChat's own rules are kept where a client can
 * meet them: errors are 200 with an errcode, a send needs the token that cgi-bin/token issued.
 */
export async function startChannelSink(port: number): Promise<ChannelSinkHandle> {
  await assertPortFree(HOST, port, 'sms and wechat sink');
  const sms = new Recorded();
  const wechat = new Recorded();
  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const readJson = (req: IncomingMessage): Promise<Record<string, unknown> | null> =>
    new Promise((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          resolve(body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : null);
        } catch {
          resolve(null);
        }
      });
    });
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${HOST}`);
      const list = url.pathname === '/sms' ? sms : url.pathname === '/wechat' ? wechat : null;
      if (list && req.method === 'GET') return json(res, 200, list.items);
      if (list && req.method === 'DELETE') {
        list.items.length = 0;
        return res.writeHead(204).end();
      }
      if (url.pathname === '/sms' && req.method === 'POST') {
        const body = await readJson(req);
        if (typeof body?.['to'] !== 'string' || typeof body['text'] !== 'string') return res.writeHead(400).end();
        sms.add(body);
        return json(res, 202, { accepted: true });
      }
      if (url.pathname === '/cgi-bin/token' && req.method === 'GET') {
        if (!url.searchParams.get('appid') || !url.searchParams.get('secret'))
          return json(res, 200, { errcode: 41002, errmsg: 'appid missing' });
        return json(res, 200, { access_token: WECHAT_ACCESS_TOKEN, expires_in: 7200 });
      }
      if (url.pathname === '/cgi-bin/message/custom/send' && req.method === 'POST') {
        if (url.searchParams.get('access_token') !== WECHAT_ACCESS_TOKEN)
          return json(res, 200, { errcode: 40001, errmsg: 'invalid credential' });
        const body = await readJson(req);
        if (typeof body?.['touser'] !== 'string') return json(res, 200, { errcode: 40003, errmsg: 'invalid openid' });
        wechat.add(body);
        return json(res, 200, { errcode: 0, errmsg: 'ok' });
      }
      res.writeHead(list ? 405 : 404).end();
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, resolve);
  });
  return {
    smsUrl: `http://${HOST}:${port}/sms`,
    wechatApiUrl: `http://${HOST}:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
