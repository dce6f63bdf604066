import { randomUUID } from 'node:crypto';
import { bearer, eventually, stackInfo } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/** What the loyalty stack tests talk to: the real broker (to publish as customer-profile does) and the database. */
export {
  openServiceTestClients as openLoyaltyTestClients,
  closeServiceTestClients as closeLoyaltyTestClients,
  type ServiceTestClients as LoyaltyTestClients,
} from '@rapport/testing';

/** The gateway's rate limit is per user (burst 60): let the bucket refill before a burst. */
export const refillRateLimit = () => new Promise((r) => setTimeout(r, 3_500));

/**
 * A customer created through the gateway whose member account loyalty opened from customer.created.
 * It is released to the public pool, where every agent may see the customer and so act on the member
 * (member routes follow the customer's row-level rule): bursts can be spread over two agents' rate limits.
 */
export async function newPoolMember(db: Client, name: string): Promise<string> {
  const gateway = () => request(stackInfo().gatewayUrl);
  const agent1 = await bearer('agent1');
  const created = await gateway()
    .post('/api/v1/customers')
    .set('authorization', agent1)
    .send({ name: `${name} ${randomUUID().slice(0, 6)}` })
    .expect(201);
  const id = created.body.id as string;
  await gateway()
    .post(`/api/v1/customers/${id}/release`)
    .set('authorization', agent1)
    .send({ reason: 'loyalty test member' })
    .expect(200);
  await eventually(
    async () => (await db.query('SELECT 1 FROM loyalty.members WHERE customer_id = $1', [id])).rowCount === 1,
    20_000,
    'the member account',
  );
  return id;
}
