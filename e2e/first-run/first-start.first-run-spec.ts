import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { connect } from 'node:net';
import * as path from 'node:path';
import { demoUserToken } from '@rapport/stack';

/**
 * A newcomer's first `npm start`, on an empty data folder: the real command, in its own process
 * group as a terminal runs it, with the first-run profile's own ports and folder (.local/first-run).
 * It must print "Rapport is running" with demo data for every feature, and Ctrl-C must leave no
 * process behind.
 */
const root = path.resolve(__dirname, '..', '..');
const dataDir = path.join(root, '.local', 'first-run');
const gateway = 'http://127.0.0.1:3600';
// PostgreSQL, Kafka, the six services, MailDev (SMTP, web) and the SMS and WeChat sink
const PORTS = [54389, 19692, 19693, 3600, 3601, 3602, 3603, 3604, 3605, 1625, 1680, 1681];
const maildev = 'http://127.0.0.1:1680';

function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => (children.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    // a zombie has no /proc/<pid>/cmdline content left; it is gone for our purpose
    return fs.readFileSync(`/proc/${pid}/cmdline`).length > 0;
  } catch {
    return false;
  }
};

interface Customer {
  id: string;
  kind: string;
  name: string;
  phone: string | null;
  ownerId: string | null;
  team: string | null;
}
type Json = Record<string, unknown> & { items?: unknown[] };

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('first npm start on empty data', () => {
  let child: ChildProcess;
  let output = '';
  const waitFor = (pattern: RegExp, ms: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${pattern} within ${ms} ms; output:\n${output.slice(-4000)}`)),
        ms,
      );
      const check = () => {
        if (pattern.test(output)) {
          clearTimeout(timer);
          resolve();
        } else if (child.exitCode !== null) {
          clearTimeout(timer);
          reject(new Error(`npm start exited (${child.exitCode}) before ${pattern}; output:\n${output.slice(-4000)}`));
        } else setTimeout(check, 200);
      };
      check();
    });
  const get = async (user: string, route: string) => {
    const response = await fetch(`${gateway}/api/v1${route}`, {
      headers: { authorization: `Bearer ${await demoUserToken(gateway, user)}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Json;
  };

  beforeAll(async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    for (const port of PORTS) expect(await listening(port)).toBe(false);
    child = spawn('npm', ['start', '--', '--profile', 'first-run'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true' },
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(/Rapport is running\./, 300_000);
  }, 320_000);

  afterAll(() => {
    // Only if a test failed before Ctrl-C: do not leave the stack behind.
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  });

  it('says where everything is and that demo data was seeded, without a warning', () => {
    expect(output).toMatch(/demo data seeded: \d+ customers, \d+ purchases/);
    expect(output).toContain(`API (gateway)   ${gateway}/api/v1`);
    expect(output).not.toMatch(/Warning:/);
  });

  it('has demo customers of both kinds in several countries, owned, in a team and in the pool', async () => {
    const items = (await get('admin', '/customers?limit=200')).items as Customer[];
    const kinds = new Set(items.map((c) => c.kind));
    expect(kinds).toEqual(new Set(['person', 'organisation']));
    const countryCodes = new Set(items.map((c) => c.phone?.match(/^\+(1|33|39|49|81|86)/)?.[1]).filter(Boolean));
    expect(countryCodes.size).toBeGreaterThanOrEqual(5);
    expect(items.some((c) => c.ownerId === 'agent1' && c.team === 'north')).toBe(true);
    expect(items.some((c) => c.ownerId === null)).toBe(true);
    const team = await get('admin', '/teams/north');
    expect(team['userIds']).toEqual(expect.arrayContaining(['agent1']));
  });

  it('has purchases in two currencies, a segment with members and a loyalty member with points', async () => {
    const items = (await get('admin', '/customers?limit=200')).items as Customer[];
    const currencies = new Set<string>();
    const buyers: string[] = [];
    for (const customer of items) {
      const purchases = await get('admin', `/customers/${customer.id}/purchases`);
      const orders = purchases.items as Array<{ currency: string }>;
      for (const p of orders) currencies.add(p.currency);
      if (orders.length > 0) buyers.push(customer.id);
    }
    expect(currencies.size).toBeGreaterThanOrEqual(2);
    const segments = await get('admin', '/segments');
    const segment = (segments.items as Array<{ id: string }>)[0]!;
    expect(segment).toBeDefined();
    expect((await get('admin', `/segments/${segment.id}/count`))['count']).toBeGreaterThan(0);
    // every buyer is a loyalty member, credited through Kafka before "running" was printed
    const balances = await Promise.all(buyers.map((id) => get('admin', `/loyalty/members/${id}`)));
    expect(balances.some((b) => (b['balance'] as number) > 0)).toBe(true);
  });

  it('has tickets a service manager can try: breached, at risk, rated, routed to another team, and team figures', async () => {
    type Ticket = { status: string; team: string; queue: string; lastCsat: unknown };
    const breached = (await get('admin', '/tickets?sla=breached')).items as Ticket[];
    expect(breached.length).toBeGreaterThanOrEqual(1);
    const atRisk = (await get('admin', '/tickets?sla=at-risk')).items as Ticket[];
    expect(atRisk.length).toBeGreaterThanOrEqual(1);
    const all = (await get('admin', '/tickets?limit=200')).items as Ticket[];
    for (const status of ['received', 'pending-customer', 'resolved'])
      expect(all.some((t) => t.status === status)).toBe(true);
    expect(all.some((t) => t.lastCsat !== null)).toBe(true);
    expect(all.some((t) => t.queue === 'social' && t.team === 'south')).toBe(true);
    const stats = await get('manager', '/service-desk/stats?team=north');
    expect(stats['open']).toMatchObject({ breached: expect.any(Number) });
    expect((stats['open'] as { atRisk: number }).atRisk).toBeGreaterThanOrEqual(1);
  });

  it('has a survey with answers whose NPS and CSAT a hand count confirms', async () => {
    const surveys = (await get('manager', '/surveys')).items as Array<{ id: string; name: string; responses: number }>;
    const survey = surveys.find((s) => s.name === 'After-sales 2026 Q4')!;
    expect(survey.responses).toBe(6);
    const results = await get('manager', `/surveys/${survey.id}/results`);
    const [recommend, satisfied] = results['questions'] as Array<Record<string, Record<string, number>>>;
    // 10, 9, 8, 6, 9, 3: 3 promoters, 2 detractors of 6; CSAT 5, 4, 4, 3, 5, 2: 4 of 6
    expect(recommend!['nps']).toMatchObject({ score: 16.7, promoters: 3, detractors: 2, n: 6 });
    expect(satisfied!['csat']).toMatchObject({ percent: 66.7, satisfied: 4, n: 6 });
  });

  it('has a sent campaign whose one mail is in MailDev’s inbox, the customer without consent skipped', async () => {
    const deadline = Date.now() + 30_000;
    let mails: Array<{ subject: string; to: Array<{ address: string }> }> = [];
    while (Date.now() < deadline) {
      mails = ((await (await fetch(`${maildev}/api/email`)).json()) as typeof mails).filter((m) =>
        m.subject.includes('春茶上新'),
      );
      if (mails.length > 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(mails.map((m) => m.to[0]!.address)).toEqual(['xiaoming.wang@example.com']);
    expect(mails[0]!.subject).toBe('王小明，春茶上新 / spring tea is here');
  });

  it('has a timeline for the demo customers, follow-ups due today and overdue, and a win-back cadence', async () => {
    const items = (await get('admin', '/customers?limit=200')).items as Customer[];
    const wang = items.find((c) => c.name === '王小明')!;
    const timeline = (await get('agent1', `/customers/${wang.id}/interactions`)).items as Array<{ channel: string }>;
    expect(timeline.map((i) => i.channel)).toEqual(['wechat', 'phone']);
    const cadences = (await get('manager', '/cadences')).items as Array<{ id: string; name: string }>;
    const winBack = cadences.find((c) => c.name === 'win-back')!;
    const enrolments = (await get('agent1', `/cadences/${winBack.id}/enrolments`)).items as Array<{ status: string }>;
    expect(enrolments.map((e) => e.status)).toEqual(['active']);
    for (const user of ['agent1', 'agent2']) {
      expect((await get(user, '/follow-ups?assignee=me&due=today')).items).not.toEqual([]);
      expect((await get(user, '/follow-ups?assignee=me&status=overdue')).items).not.toEqual([]);
    }
  });

  it('stops on Ctrl-C and leaves no process and no port behind', async () => {
    const tree = descendants(child.pid!);
    expect(tree.length).toBeGreaterThan(8); // npm, bootstrap, the CLI, PostgreSQL, Kafka, six services
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    process.kill(-child.pid!, 'SIGINT'); // what a terminal sends to the foreground process group
    await waitFor(/no process of the stack is left/, 90_000);
    await exited;
    const deadline = Date.now() + 10_000;
    while (tree.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(tree.filter(alive)).toEqual([]);
    for (const port of PORTS) expect(await listening(port)).toBe(false);
  }, 120_000);
});
