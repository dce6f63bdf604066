import { adminClient, bearer, customerRequest, eventually, stackInfo } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * A department merges two customers and erases the survivor through the gateway; analytics learns of
 * both from customer-profile's events and ends up holding nothing on either id.
 */
describe('analytics takes part in merges and erasures', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  let agent1: string;

  beforeAll(async () => {
    db = await adminClient();
    agent1 = await bearer('agent1');
  });
  afterAll(async () => {
    await db.end();
  });

  const create = async (): Promise<string> =>
    (
      await gateway()
        .post('/api/v1/customers')
        .query({ force: 'true' })
        .set('authorization', agent1)
        .send(customerRequest())
        .expect(201)
    ).body.id as string;
  const rowsOf = async (customerId: string) =>
    (await db.query('SELECT customer_id FROM analytics.customer_facts WHERE customer_id = $1', [customerId]))
      .rowCount ?? 0;
  /** Any uuid column of any table of analytics's schema holding the id. */
  const anywhere = async (customerId: string) => {
    const { rows } = await db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'analytics' AND data_type = 'uuid'`,
    );
    let found = 0;
    for (const { table_name: table, column_name: column } of rows) {
      found +=
        (await db.query(`SELECT 1 FROM analytics."${table}" WHERE "${column}" = $1`, [customerId])).rowCount ?? 0;
    }
    return found;
  };

  it('moves the merged customer to the survivor, then forgets both on erasure', async () => {
    const survivor = await create();
    const source = await create();
    await eventually(
      async () => (await rowsOf(survivor)) === 1 && (await rowsOf(source)) === 1,
      20_000,
      'analytics to know both customers',
    );

    await gateway()
      .post(`/api/v1/customers/${survivor}/merge`)
      .set('authorization', agent1)
      .send({ sourceId: source })
      .expect(200);
    await eventually(async () => (await rowsOf(source)) === 0, 20_000, 'analytics to drop the merged id');
    expect(await rowsOf(survivor)).toBe(1);

    await gateway().delete(`/api/v1/customers/${survivor}`).set('authorization', agent1).expect(202);
    await eventually(
      async () => (await anywhere(survivor)) === 0 && (await anywhere(source)) === 0,
      20_000,
      'analytics to forget the customer',
    );
  });
});
