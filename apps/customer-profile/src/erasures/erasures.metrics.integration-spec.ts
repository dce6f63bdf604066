import { randomUUID } from 'node:crypto';
import { adminClient, eventually, startServiceInProcess, type InProcessService } from '@rapport/testing';
import type { Client } from 'pg';
import { AppModule } from '../app.module';

const DAY = 24 * 3600;

/** A gauge of a scrape; NaN when absent. */
function gauge(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ').pop());
}

/**
 * The erasure gauges an SRE reads on customer-profile's /metrics: requests still open (some service
 * has not acknowledged) and the age of the oldest, read from the database at scrape time.
 */
describe('erasure request metrics (customer-profile, in process)', () => {
  let sut: InProcessService;
  let db: Client;

  beforeAll(async () => {
    db = await adminClient();
    sut = await startServiceInProcess('customer-profile', AppModule);
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
    await db?.end();
  });

  const scrape = async () => {
    const text = (await sut.http().get('/metrics').expect(200)).text;
    return {
      open: gauge(text, 'rapport_erasure_requests_open'),
      oldestAgeSeconds: gauge(text, 'rapport_erasure_request_oldest_open_age_seconds'),
    };
  };
  const openInDatabase = async () =>
    Number(
      (
        await db.query<{ n: string }>(
          'SELECT count(*) AS n FROM customer_profile.erasure_requests WHERE completed_at IS NULL',
        )
      ).rows[0]!.n,
    );

  it('counts the open requests, says how old the oldest is, and drops a request once it completes', async () => {
    // a request 31 days old that one service never acknowledged: past GDPR's one-month answer period
    const id = randomUUID();
    await db.query(
      `INSERT INTO customer_profile.erasure_requests (id, customer_id, requested_by, requested_at, expected_services)
       VALUES ($1, $2, 'metrics-test', now() - interval '31 days', ARRAY['loyalty'])`,
      [id, randomUUID()],
    );
    try {
      // the count of the database at the time of the scrape (read before and after it, unchanged)
      await eventually(
        async () => {
          const before = await openInDatabase();
          const seen = await scrape();
          return before === (await openInDatabase()) && seen.open === before && seen.oldestAgeSeconds >= 31 * DAY;
        },
        10_000,
        'the gauges to show the open request',
      );
      const open = await scrape();
      expect(open.open).toBeGreaterThanOrEqual(1);

      await db.query('UPDATE customer_profile.erasure_requests SET completed_at = now() WHERE id = $1', [id]);
      const after = await scrape();
      expect(after.oldestAgeSeconds).toBeLessThan(31 * DAY);
      expect(after.open).toBe(await openInDatabase());
    } finally {
      await db.query('UPDATE customer_profile.erasure_requests SET completed_at = now() WHERE id = $1', [id]);
    }
  });
});
