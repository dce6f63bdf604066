import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { ServiceName } from '@rapport/contracts';
import { adminClient, bearer, control, eventually, stackInfo } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * The local stack supervises what it started: a service that crashes (SIGKILL, as the OOM killer
 * would) while purchases are being recorded comes back by itself, says so in the stack's log, and
 * catches up from its consumer offsets, so that every purchase is credited exactly once. A
 * deliberate stop is not "repaired".
 */
describe('supervision of the local stack', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let db: Client;

  /** The stack's own log (what global setup also prints to stderr), from a byte offset on. */
  const fileSize = (file: string) => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  const readFrom = (file: string, offset: number) => {
    try {
      return readFileSync(file).subarray(offset).toString('utf8');
    } catch {
      return '';
    }
  };
  const stackLog = () => path.join(stackInfo().logDir, 'stack.log');
  const serviceLog = (name: ServiceName) => path.join(stackInfo().logDir, `${name}.log`);

  const ready = async (name: ServiceName): Promise<boolean> => {
    try {
      return (await fetch(`${stackInfo().serviceUrls[name]}/health/ready`, { signal: AbortSignal.timeout(1_000) })).ok;
    } catch {
      return false;
    }
  };

  /** SIGKILL to the service's process, through the control server (answers the pid it killed). */
  const kill = async (name: ServiceName): Promise<number> => {
    const response = await fetch(`${stackInfo().controlUrl}/services/${name}/kill`, {
      method: 'POST',
      headers: { connection: 'close' },
    });
    const body = (await response.json()) as { pid?: number; error?: string };
    if (!response.ok || typeof body.pid !== 'number') throw new Error(`kill ${name} failed: ${JSON.stringify(body)}`);
    return body.pid;
  };

  beforeAll(async () => {
    db = await adminClient();
  });
  afterAll(async () => {
    // Leave loyalty running for whatever test comes next, even if a test here failed half-way.
    const back = await eventually(() => ready('loyalty'), 60_000, 'loyalty to be ready').catch(() => false);
    if (!back) await control('services/loyalty/start').catch(() => undefined);
    await db.end();
  });

  it('restarts loyalty killed under load, and credits every purchase of the outage exactly once', async () => {
    const agent1 = await bearer('agent1');
    const created = await gateway()
      .post('/api/v1/customers')
      .set('authorization', agent1)
      .send({ name: `Supervised ${randomUUID().slice(0, 8)}` })
      .expect(201);
    const customerId = created.body.id as string;
    await eventually(
      async () => (await db.query('SELECT 1 FROM loyalty.members WHERE customer_id = $1', [customerId])).rowCount === 1,
      20_000,
      'the member account',
    );

    // About 7 purchases a second: well inside the gateway's rate limit (20/s per user, burst 60).
    const purchaseIds: string[] = [];
    const refused: string[] = [];
    let recording = true;
    const load = (async () => {
      while (recording) {
        const response = await gateway()
          .post(`/api/v1/customers/${customerId}/purchases`)
          .set('authorization', agent1)
          .send({
            externalOrderId: `SUP-${randomUUID()}`,
            currency: 'CNY',
            channel: 'store',
            occurredAt: new Date().toISOString(),
            lines: [{ sku: 'TEA-001', name: '西湖龙井', category: 'tea', quantity: 1, unitPrice: 10 }],
          });
        if (response.status === 201) purchaseIds.push(response.body.id as string);
        else refused.push(`${response.status} ${JSON.stringify(response.body)}`);
        await sleep(100);
      }
    })();

    try {
      await sleep(1_500);
      const stackLogFrom = fileSize(stackLog());
      const serviceLogFrom = fileSize(serviceLog('loyalty'));
      const killedAt = Date.now();
      const pid = await kill('loyalty');
      const outageStart = purchaseIds.length;

      await eventually(
        async () => readFrom(stackLog(), stackLogFrom).includes('loyalty: back ('),
        30_000,
        'the stack to say loyalty is back',
      );
      const outageEnd = purchaseIds.length;
      expect(Date.now() - killedAt).toBeLessThan(30_000);
      expect(await ready('loyalty')).toBe(true);
      const said = readFrom(stackLog(), stackLogFrom);
      expect(said).toMatch(/loyalty: exited unexpectedly \(code null, signal SIGKILL\); restarting in 500 ms/);
      expect(said).toMatch(/loyalty: back \(ready in \d+\.\d s\)/);
      expect(said).not.toMatch(/ERROR loyalty/);
      // A new process, started by the stack (the service's log shows the new run).
      expect(readFrom(serviceLog('loyalty'), serviceLogFrom)).toMatch(/===== \S+ starting loyalty:/);
      expect(pid).toBeGreaterThan(0);
      // Purchases went on being accepted while loyalty was down: they only need customer-profile.
      expect(outageEnd - outageStart).toBeGreaterThan(0);

      await sleep(1_000);
    } finally {
      recording = false;
      await load;
    }
    expect(refused).toEqual([]);
    expect(purchaseIds.length).toBeGreaterThan(10);

    // Every purchase credited, each exactly once.
    const sources = purchaseIds.map((id) => `purchase:${id}`);
    await eventually(
      async () =>
        (
          await db.query('SELECT count(*)::int AS n FROM loyalty.purchases WHERE purchase_id = ANY($1::uuid[])', [
            purchaseIds,
          ])
        ).rows[0].n === purchaseIds.length,
      60_000,
      'loyalty to have recorded every purchase',
    );
    const earned = await db.query(
      `SELECT source_id, count(*)::int AS n FROM loyalty.movements WHERE kind = 'earn' AND source_id = ANY($1::text[]) GROUP BY source_id`,
      [sources],
    );
    expect(earned.rows).toHaveLength(purchaseIds.length);
    expect(earned.rows.filter((r: { n: number }) => r.n !== 1)).toEqual([]);
    // Each purchase.recorded event was taken once (one inbox entry per event)...
    const inbox = await db.query(
      `SELECT count(*)::int AS n FROM loyalty.inbox i JOIN customer_profile.outbox o ON o.event_id = i.event_id
        WHERE o.message_key = $1 AND o.event_type = 'rapport.customer-profile.purchase.recorded.v1'`,
      [customerId],
    );
    expect(inbox.rows[0].n).toBe(purchaseIds.length);
    // ...and the balance adds up: nothing credited twice, nothing missing.
    const sums = await db.query(
      `SELECT (SELECT balance FROM loyalty.members WHERE customer_id = $1)::int AS balance,
              (SELECT coalesce(sum(points), 0) FROM loyalty.movements WHERE customer_id = $1)::int AS movements,
              (SELECT coalesce(sum(points_earned), 0) FROM loyalty.purchases WHERE customer_id = $1)::int AS earned`,
      [customerId],
    );
    expect(sums.rows[0].balance).toBe(sums.rows[0].movements);
    expect(sums.rows[0].movements).toBe(sums.rows[0].earned);
    expect(sums.rows[0].earned).toBeGreaterThanOrEqual(purchaseIds.length * 10);
  }, 180_000);

  it('does not restart a service that was stopped on purpose, and starts it again when asked', async () => {
    const from = fileSize(stackLog());
    await control('services/loyalty/stop');
    await sleep(2_000); // longer than the first restart delay
    expect(await ready('loyalty')).toBe(false);
    await control('services/loyalty/start');
    expect(await ready('loyalty')).toBe(true);
    const said = readFrom(stackLog(), from);
    expect(said).toMatch(/loyalty: stopped in \d+ ms \(code 0, signal null\)/);
    expect(said).not.toMatch(/loyalty: (exited unexpectedly|back|did not come back)/);
  }, 120_000);
});
