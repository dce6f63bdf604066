import { metricsRegistry, observeConnectionPool } from '@rapport/platform-observability';
import { stackInfo } from '@rapport/testing';
import type { DataSource, QueryRunner } from 'typeorm';
import { createServiceDataSource, poolStats } from './data-source';

/** A gauge sample of the scrape `/metrics` serves; NaN when absent. */
async function scraped(series: string): Promise<number> {
  const line = (await metricsRegistry.metrics()).split('\n').find((l) => l.startsWith(`${series} `));
  return Number(line?.split(' ').pop());
}

/**
 * Database pool saturation as /metrics reports it (db_client_connections_usage{state},
 * db_client_connections_max, db_client_connections_pending_requests), on a pool of 2 against the test
 * stack's PostgreSQL: both connections taken and a third query waiting is what a saturated service looks like.
 */
describe('database pool metrics', () => {
  let dataSource: DataSource;
  const held: QueryRunner[] = [];

  beforeAll(async () => {
    dataSource = createServiceDataSource({
      url: stackInfo().databaseUrl,
      schema: 'public',
      applicationName: 'pool-metrics-test',
      migrations: [],
      poolMax: 2,
    });
    expect(poolStats(dataSource)).toBeUndefined();
    await dataSource.initialize();
    observeConnectionPool(() => poolStats(dataSource));
  });

  afterAll(async () => {
    for (const runner of held) await runner.release();
    await dataSource?.destroy();
  });

  it('reports connections used and idle, the maximum, and the queries waiting for a connection', async () => {
    await dataSource.query('SELECT 1');
    expect(await scraped('db_client_connections_max')).toBe(2);
    expect(await scraped('db_client_connections_usage{state="used"}')).toBe(0);
    expect(await scraped('db_client_connections_usage{state="idle"}')).toBe(1);

    for (let i = 0; i < 2; i++) {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      held.push(runner);
    }
    const waiting = dataSource.query('SELECT 1');
    expect({
      used: await scraped('db_client_connections_usage{state="used"}'),
      idle: await scraped('db_client_connections_usage{state="idle"}'),
      pending: await scraped('db_client_connections_pending_requests'),
    }).toEqual({ used: 2, idle: 0, pending: 1 });

    await held.pop()!.release();
    await waiting;
    expect(await scraped('db_client_connections_pending_requests')).toBe(0);
    expect(await scraped('db_client_connections_usage{state="used"}')).toBe(1);
  });
});
