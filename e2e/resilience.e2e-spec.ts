import { readFileSync } from 'node:fs';
import { adminClient, bearer, control, eventually, stackInfo } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * Failure as it happens in production: the broker goes away in the middle of a stream of writes,
 * and a service is stopped and started again. Nothing is lost and nothing is doubled.
 */
describe('resilience', () => {
  let db: Client;

  beforeAll(async () => {
    db = await adminClient();
  });
  afterAll(async () => {
    await db.end();
  });

  const createCustomer = async (name: string): Promise<string> => {
    const response = await request(stackInfo().gatewayUrl)
      .post('/api/v1/customers')
      .set('authorization', await bearer('agent1'))
      .send({ name })
      .expect(201);
    return response.body.id as string;
  };

  it('loses no event and doubles none when the broker restarts during a stream of creates', async () => {
    const ids: string[] = [];
    let streaming = true;
    const stream = (async () => {
      for (let i = 0; streaming || i < 20; i++) {
        ids.push(await createCustomer(`Stream ${i}`));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await new Promise((r) => setTimeout(r, 1_000));
    await control('kafka/restart'); // writes keep succeeding: they only need PostgreSQL
    await new Promise((r) => setTimeout(r, 1_000));
    streaming = false;
    await stream;

    expect(ids.length).toBeGreaterThanOrEqual(20);
    const counted = await eventually(
      async () => {
        const { rows } = await db.query(
          'SELECT count(*)::int AS n FROM analytics.customer_facts WHERE customer_id = ANY($1::uuid[])',
          [ids],
        );
        return rows[0].n === ids.length ? rows[0].n : undefined;
      },
      90_000,
      'analytics to have every customer created during the broker restart',
    );
    expect(counted).toBe(ids.length);
    // Each event took effect once: one inbox entry per customer.created of these customers.
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM analytics.inbox i
         JOIN customer_profile.outbox o ON o.event_id = i.event_id
        WHERE o.message_key = ANY($1::text[])`,
      [ids],
    );
    expect(rows[0].n).toBe(ids.length);
  });

  it('stops a service gracefully and it comes back with its data', async () => {
    const id = await createCustomer('Before restart');
    const logFile = `${stackInfo().logDir}/customer-profile.log`;
    const logBefore = readFileSync(logFile, 'utf8').length;
    await control('services/customer-profile/stop');
    const down = await request(stackInfo().gatewayUrl)
      .get(`/api/v1/customers/${id}`)
      .set('authorization', await bearer('agent1'));
    expect(down.status).toBe(502);
    expect(down.body.type).toBe('https://rapport.dev/problems/upstream-unavailable');
    await control('services/customer-profile/start');
    await request(stackInfo().gatewayUrl)
      .get(`/api/v1/customers/${id}`)
      .set('authorization', await bearer('agent1'))
      .expect(200);
    // This stop's own lines: the graceful sequence ran to its end (no SIGKILL from the stack).
    const log = readFileSync(logFile, 'utf8').slice(logBefore);
    expect(log).toMatch(/"msg":"shutting down: readiness off/);
    expect(log).toMatch(/"msg":"stopped"/);
  });
});
