import { adminClient, bearer, customerRequest, eventually, stackInfo } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * A department merges two customers and erases the survivor through the gateway; interaction learns of
 * both from customer-profile's events, moves the merged customer's contacts and follow-ups to the
 * survivor, and ends up holding nothing on either id.
 */
describe('interaction takes part in merges and erasures', () => {
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
    (await db.query('SELECT customer_id FROM interaction.customer_refs WHERE customer_id = $1', [customerId]))
      .rowCount ?? 0;
  /** Any uuid column of any table of interaction's schema holding the id. */
  const anywhere = async (customerId: string) => {
    const { rows } = await db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'interaction' AND data_type = 'uuid'`,
    );
    let found = 0;
    for (const { table_name: table, column_name: column } of rows) {
      found +=
        (await db.query(`SELECT 1 FROM interaction."${table}" WHERE "${column}" = $1`, [customerId])).rowCount ?? 0;
    }
    return found;
  };

  it('moves the merged customer to the survivor, then forgets both on erasure', async () => {
    const survivor = await create();
    const source = await create();
    await eventually(
      async () => (await rowsOf(survivor)) === 1 && (await rowsOf(source)) === 1,
      20_000,
      'interaction to know both customers',
    );

    for (const id of [survivor, source])
      await gateway()
        .post(`/api/v1/customers/${id}/interactions`)
        .set('authorization', agent1)
        .send({ channel: 'phone', direction: 'outbound', summary: '回访' })
        .expect(201);
    await gateway()
      .post('/api/v1/follow-ups')
      .set('authorization', agent1)
      .send({ customerId: source, dueAt: new Date(Date.now() + 86_400_000).toISOString(), channel: 'phone' })
      .expect(201);

    await gateway()
      .post(`/api/v1/customers/${survivor}/merge`)
      .set('authorization', agent1)
      .send({ sourceId: source })
      .expect(200);
    await eventually(async () => (await rowsOf(source)) === 0, 20_000, 'interaction to drop the merged id');
    expect(await rowsOf(survivor)).toBe(1);
    await eventually(
      async () => {
        const timeline = await gateway()
          .get(`/api/v1/customers/${survivor}/interactions`)
          .set('authorization', agent1)
          .expect(200);
        return timeline.body.items.length === 2;
      },
      20_000,
      'the merged customer’s contacts in the survivor’s timeline',
    );
    const followUps = await gateway()
      .get(`/api/v1/follow-ups?customerId=${survivor}`)
      .set('authorization', agent1)
      .expect(200);
    expect(followUps.body.items).toHaveLength(1);

    await gateway().delete(`/api/v1/customers/${survivor}`).set('authorization', agent1).expect(202);
    await eventually(
      async () => (await anywhere(survivor)) === 0 && (await anywhere(source)) === 0,
      20_000,
      'interaction to forget the customer',
    );
  });
});
