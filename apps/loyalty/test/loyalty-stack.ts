import { randomUUID } from 'node:crypto';
import type { RecordProducer } from '@rapport/platform-messaging';
import {
  bearer,
  eventually,
  publishCustomerEvents,
  stackInfo,
  TEST_CALLERS,
  type InProcessService,
} from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';
import { customerCreated } from './factories/loyalty-events';

/** What the loyalty stack tests talk to: the real broker (to publish as customer-profile does) and the database. */
export {
  openServiceTestClients as openLoyaltyTestClients,
  closeServiceTestClients as closeLoyaltyTestClients,
  type ServiceTestClients as LoyaltyTestClients,
} from '@rapport/testing';

/** Resolves once loyalty (the stack's instance, which consumes) holds the member account. */
export async function memberOpened(db: Client, customerId: string): Promise<void> {
  await eventually(
    async () => (await db.query('SELECT 1 FROM loyalty.members WHERE customer_id = $1', [customerId])).rowCount === 1,
    20_000,
    'the member account',
  );
}

/**
 * A member whose account loyalty opened from a real customer.created, published on the customers
 * topic as customer-profile's outbox relay does (no gateway, no customer-profile): the stack's loyalty
 * consumes it. The medium tier's way to get a member.
 */
export async function newMember(
  clients: { producer: RecordProducer; db: Client },
  options: Parameters<typeof customerCreated>[1] = {},
): Promise<string> {
  const customerId = randomUUID();
  await publishCustomerEvents(clients.producer, customerCreated(customerId, options));
  await memberOpened(clients.db, customerId);
  return customerId;
}

/**
 * A customer created through the gateway (so customer-profile holds it too) whose member account
 * loyalty opened from customer.created, released to the public pool where every agent may see it.
 * For specs that need the customer on both sides; loyalty's own rules take `newMember`.
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
  await memberOpened(db, id);
  return id;
}

export type TestCallerName = keyof typeof TEST_CALLERS;

/**
 * loyalty's internal API on a service booted in process (startServiceInProcess), with the signed
 * caller identity the gateway would send. Which caller holds which scope: agents loyalty:read and
 * loyalty:write, admin every scope (adjustments need loyalty:write and admin; rewards, expiry runs and
 * reconciliation need admin), a manager loyalty:read only, an analyst neither. Each method answers
 * supertest's request, so `.expect(…)` chains; the defaults are the least caller the route admits.
 */
export class LoyaltyInternalApi {
  private constructor(
    private readonly sut: InProcessService,
    private readonly identities: Record<TestCallerName, Record<string, string>>,
  ) {}

  /** Signs each test caller's identity once (valid ten minutes, more than a spec file takes). */
  static async of(sut: InProcessService): Promise<LoyaltyInternalApi> {
    const entries = await Promise.all(
      (Object.keys(TEST_CALLERS) as TestCallerName[]).map(async (name) => [name, await sut.as(TEST_CALLERS[name])]),
    );
    return new LoyaltyInternalApi(sut, Object.fromEntries(entries) as Record<TestCallerName, Record<string, string>>);
  }

  get(path: string, caller: TestCallerName) {
    return this.sut.http().get(`/internal/v1${path}`).set(this.identities[caller]);
  }

  post(path: string, body: object, caller: TestCallerName) {
    return this.sut.http().post(`/internal/v1${path}`).set(this.identities[caller]).send(body);
  }

  member(customerId: string, caller: TestCallerName = 'agent1') {
    return this.get(`/members/${customerId}`, caller);
  }

  statement(customerId: string, query: { limit?: number; before?: string } = {}, caller: TestCallerName = 'agent1') {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.before !== undefined) params.set('before', query.before);
    const qs = params.toString();
    return this.get(`/members/${customerId}/statement${qs ? `?${qs}` : ''}`, caller);
  }

  adjust(customerId: string, points: number, reason: string, caller: TestCallerName = 'admin') {
    return this.post(`/members/${customerId}/adjustments`, { points, reason }, caller);
  }

  redeem(customerId: string, body: object, caller: TestCallerName = 'agent1') {
    return this.post(`/members/${customerId}/redemptions`, body, caller);
  }

  redemption(customerId: string, redemptionId: string, caller: TestCallerName = 'agent1') {
    return this.get(`/members/${customerId}/redemptions/${redemptionId}`, caller);
  }

  confirm(customerId: string, redemptionId: string, caller: TestCallerName = 'agent1') {
    return this.post(`/members/${customerId}/redemptions/${redemptionId}/confirm`, {}, caller);
  }

  cancel(customerId: string, redemptionId: string, caller: TestCallerName = 'agent1') {
    return this.post(`/members/${customerId}/redemptions/${redemptionId}/cancel`, {}, caller);
  }

  referralCode(customerId: string, caller: TestCallerName = 'agent1') {
    return this.get(`/members/${customerId}/referral-code`, caller);
  }

  refer(customerId: string, code: string, caller: TestCallerName = 'agent1') {
    return this.post(`/members/${customerId}/referral`, { code }, caller);
  }

  createReward(body: object, caller: TestCallerName = 'admin') {
    return this.post('/rewards', body, caller);
  }

  expiryRun(body: { asOf?: string } = {}, caller: TestCallerName = 'admin') {
    return this.post('/admin/expiry-runs', body, caller);
  }

  reconciliation(caller: TestCallerName = 'admin') {
    return this.get('/admin/reconciliation', caller);
  }
}
