// Campaign sending benchmark: a fresh local stack (profile "bench", all services, MailDev as the SMTP
// server) with interaction's sender set to --rate messages/s. First the baseline: MailDev's own receive
// rate, N mails pushed straight at it by nodemailer's pooled transport as fast as it takes them. Then a
// campaign to N consenting recipients through the gateway: the rate the sender held (from the first to
// the last recipient marked sent), whether it is within ±5 % of --rate, and that MailDev received every
// mail exactly once (by Message-ID).
//
//   npm run bench:campaigns -- --mails 3000 --rate 300
//
// Human-readable lines go to stdout, ending with one line of JSON holding every figure; the stack's own
// log lines go to stderr.
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { demoUserToken, killAllSync, Stack } from '@rapport/stack';
import nodemailer from 'nodemailer';
import { Client } from 'pg';
import { benchArgs, int, positive } from '../lib/cli';
import { round } from '../lib/stats';

const USAGE = `usage: npm run bench:campaigns -- [--mails N] [--rate R]
  --mails N  mails in the baseline and in the campaign (default 3000, at most 10000)
  --rate R   the sender's limit, messages/s (INTERACTION_CAMPAIGN_RATE; default 300)
  --workers W  sender transactions at once (INTERACTION_CAMPAIGN_WORKERS; default 16)
  --batch B  recipients per sender transaction (INTERACTION_CAMPAIGN_BATCH; default 1)`;

const info = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function mailCount(webUrl: string): Promise<Array<{ headers: Record<string, string> }>> {
  return (await (await fetch(`${webUrl}api/email`)).json()) as Array<{ headers: Record<string, string> }>;
}

async function waitForMails(webUrl: string, n: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = (await mailCount(webUrl)).length;
    if (count >= n || Date.now() > deadline) return count;
    await sleep(100);
  }
}

/** MailDev's own receive rate: N mails straight at it over 4 pooled connections, as fast as it takes them. */
async function baseline(smtpUrl: string, webUrl: string, n: number): Promise<number> {
  const transport = nodemailer.createTransport(`${smtpUrl}?pool=true&maxConnections=4`);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < n) {
        const i = next++;
        await transport.sendMail({
          from: 'bench@rapport.local',
          to: `baseline-${i}@example.com`,
          subject: 'baseline',
          text: 'A mail of the baseline.',
        });
      }
    }),
  );
  const received = await waitForMails(webUrl, n, 60_000);
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  if (received < n) throw new Error(`baseline: MailDev received ${received} of ${n}`);
  return n / seconds;
}

async function main(): Promise<number> {
  const args = benchArgs(USAGE, {
    mails: int(3_000, { max: 10_000 }),
    rate: positive(300),
    workers: int(16, { max: 64 }),
    batch: int(1, { max: 500 }),
  });
  const stack = new Stack({
    profile: 'bench',
    fresh: true,
    services: true,
    log: (line) => info(`[stack] ${line}`),
    serviceEnv: {
      LOG_LEVEL: 'warn',
      INTERACTION_CAMPAIGN_RATE: String(args.rate),
      INTERACTION_CAMPAIGN_TICK_MS: '200',
      INTERACTION_CAMPAIGN_WORKERS: String(args.workers),
      INTERACTION_CAMPAIGN_BATCH: String(args.batch),
      DB_POOL_MAX: String(args.workers + 10),
    },
  });
  process.on('exit', () => killAllSync());
  let stopping: Promise<void> | undefined;
  const stopStack = () => (stopping ??= stack.stop().catch((error: Error) => info(`stack stop: ${error.message}`)));
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      setTimeout(() => process.exit(130), 30_000).unref();
      void stopStack().finally(() => process.exit(130));
    });
  console.log(
    `campaigns benchmark: ${args.mails} mails at ${args.rate}/s, ${args.workers} workers × ${args.batch}; ${os.cpus().length} cores, node ${process.version}, ` +
      `load average ${round(os.loadavg()[0]!, 2)} at start`,
  );
  let db: Client | undefined;
  try {
    const t0 = Date.now();
    const { databaseUrl, gatewayUrl, mail } = await stack.start();
    if (!mail) throw new Error('the stack started no MailDev');
    console.log(`stack (fresh, profile bench) ready in ${round((Date.now() - t0) / 1000)} s; MailDev ${mail.webUrl}`);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();

    const baselineRate = await baseline(mail.smtpUrl, mail.webUrl, args.mails);
    console.log(`baseline: MailDev received ${args.mails} mails at ${round(baselineRate)}/s`);
    await fetch(`${mail.webUrl}api/email/all`, { method: 'DELETE' });

    // N consenting recipients: their consent written as interaction's consumer writes it
    const customers = Array.from({ length: args.mails }, () => randomUUID());
    await db.query(
      `INSERT INTO interaction.consents (customer_id, channel, purpose, granted, changed_at)
       SELECT id, 'email', 'marketing', true, now() FROM unnest($1::uuid[]) AS id`,
      [customers],
    );
    const authorization = `Bearer ${await demoUserToken(gatewayUrl, 'manager')}`;
    const created = await fetch(`${gatewayUrl}/api/v1/campaigns`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'bench',
        channel: 'email',
        purpose: 'marketing',
        subject: 'Hello {{name}}',
        body: 'Dear {{name}}, a mail of the benchmark.',
        audience: customers.map((customerId, i) => ({
          customerId,
          address: `bench-${i}@example.com`,
          fields: { name: `Customer ${i}` },
        })),
      }),
    });
    if (created.status !== 201) throw new Error(`POST /campaigns: ${created.status} ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };
    const sent = await fetch(`${gatewayUrl}/api/v1/campaigns/${id}/send`, {
      method: 'POST',
      headers: { authorization },
    });
    if (sent.status !== 202) throw new Error(`POST /campaigns/${id}/send: ${sent.status} ${await sent.text()}`);
    const deadline = Date.now() + (args.mails / args.rate) * 3_000 + 60_000;
    for (;;) {
      const view = (await (
        await fetch(`${gatewayUrl}/api/v1/campaigns/${id}`, { headers: { authorization } })
      ).json()) as {
        status: string;
        counts: Record<string, number>;
      };
      if (view.status === 'completed') break;
      if (Date.now() > deadline)
        throw new Error(`the campaign did not complete in time: ${JSON.stringify(view.counts)}`);
      await sleep(250);
    }
    const window = (
      await db.query<{ n: number; seconds: number }>(
        `SELECT count(*)::int AS n, extract(epoch FROM max(updated_at) - min(updated_at))::float8 AS seconds
           FROM interaction.campaign_recipients WHERE campaign_id = $1 AND state = 'sent'`,
        [id],
      )
    ).rows[0]!;
    const held = (window.n - 1) / window.seconds;
    const deviation = (held - args.rate) / args.rate;
    const received = await waitForMails(mail.webUrl, window.n, 30_000);
    const ids = new Set((await mailCount(mail.webUrl)).map((m) => m.headers['message-id']));
    console.log(
      `campaign: ${window.n} of ${args.mails} sent in ${round(window.seconds, 2)} s = ${round(held)}/s ` +
        `(limit ${args.rate}/s, ${round(deviation * 100, 2)} %: ${Math.abs(deviation) <= 0.05 ? 'within' : 'OUTSIDE'} ±5 %); ` +
        `MailDev received ${received}, ${ids.size} distinct Message-IDs; baseline ${round(baselineRate)}/s`,
    );
    console.log(
      JSON.stringify({
        mails: args.mails,
        rateLimit: args.rate,
        workers: args.workers,
        batch: args.batch,
        baselinePerSecond: round(baselineRate),
        sentPerSecond: round(held),
        deviationPercent: round(deviation * 100, 2),
        withinFivePercent: Math.abs(deviation) <= 0.05,
        sent: window.n,
        received,
        distinctMessageIds: ids.size,
      }),
    );
    return window.n === args.mails && received === args.mails && ids.size === args.mails && Math.abs(deviation) <= 0.05
      ? 0
      : 1;
  } finally {
    await db?.end().catch(() => undefined);
    await stopStack();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  },
);
