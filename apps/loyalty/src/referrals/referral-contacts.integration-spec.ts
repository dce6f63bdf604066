import { randomUUID } from 'node:crypto';
import {
  adminClient,
  bearer,
  cnMobile,
  eventually,
  stackInfo,
  startServiceInProcess,
  type InProcessService,
} from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';
import { LoyaltyInternalApi } from '../../test/loyalty-stack';
import { AppModule } from '../app.module';

/**
 * Referrals between customers who share a phone, email or identifier are refused, while loyalty
 * holds no readable contact: customer-profile publishes keyed fingerprints of the contacts on
 * customer.created/updated, loyalty keeps them per member. This crosses services: what makes two
 * contacts the same (normalising a phone however it was typed, an email in any case, an import) and
 * the key of the fingerprints are customer-profile's, so customers are created, imported, changed,
 * merged and erased through the gateway (a handful of calls, far below its rate limit) and the events
 * travel through the real broker to the stack's loyalty. The referral itself, loyalty's rule, goes to
 * loyalty booted in this process, on its internal API with a signed caller identity (no gateway).
 */
describe('referrals between customers sharing a contact', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let sut: InProcessService;
  let api: LoyaltyInternalApi;
  let db: Client;
  let agent1: string;

  beforeAll(async () => {
    db = await adminClient();
    agent1 = await bearer('agent1');
    sut = await startServiceInProcess('loyalty', AppModule);
    api = await LoyaltyInternalApi.of(sut);
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
    await db.end();
  });

  const fingerprints = async (customerId: string): Promise<string[]> =>
    (await db.query('SELECT fingerprint FROM loyalty.member_fingerprints WHERE customer_id = $1', [customerId])).rows
      .map((r: { fingerprint: string }) => r.fingerprint)
      .sort();
  const uniqueEmail = () => `ref-${randomUUID().slice(0, 12)}@example.com`;

  /** A customer (forced past the duplicate check) whose member account and fingerprints loyalty holds. */
  async function member(
    contacts: { phone?: string; email?: string },
    expectedFingerprints = Object.keys(contacts).length,
  ): Promise<string> {
    const created = await gateway()
      .post('/api/v1/customers?force=true')
      .set('authorization', agent1)
      .send({ name: `Ref ${randomUUID().slice(0, 6)}`, ...contacts })
      .expect(201);
    const id = created.body.id as string;
    await eventually(
      async () =>
        (await db.query('SELECT 1 FROM loyalty.members WHERE customer_id = $1', [id])).rowCount === 1 &&
        (await fingerprints(id)).length === expectedFingerprints,
      20_000,
      'the member account and its fingerprints',
    );
    return id;
  }

  const codeOf = async (id: string) => (await api.referralCode(id).expect(200)).body.code as string;
  const refer = async (referredId: string, referrerId: string) => api.refer(referredId, await codeOf(referrerId));
  const referrals = async (referredId: string) =>
    (await db.query('SELECT count(*)::int AS n FROM loyalty.referrals WHERE referred_id = $1', [referredId])).rows[0]
      .n as number;

  it('refuses a referral between customers with the same phone, in whatever form it was typed, and writes nothing', async () => {
    const phone = cnMobile();
    const referrer = await member({
      phone: `+86 ${phone.e164.slice(3, 6)}-${phone.e164.slice(6, 10)}-${phone.e164.slice(10)}`,
    });
    const referred = await member({ phone: phone.e164.slice(3) });

    const refused = await refer(referred, referrer);
    expect(refused.status).toBe(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      type: 'https://rapport.dev/problems/unprocessable',
      status: 422,
      code: 'shared-contact',
    });
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'code' })]);
    expect(await referrals(referred)).toBe(0);

    // loyalty holds the same keyed hash for both, never the number itself
    expect(await fingerprints(referred)).toEqual(await fingerprints(referrer));
    const held = await db.query('SELECT fingerprint FROM loyalty.member_fingerprints WHERE customer_id = ANY($1)', [
      [referrer, referred],
    ]);
    expect(JSON.stringify(held.rows)).not.toContain(phone.e164.slice(3));
    expect(held.rows.every((r: { fingerprint: string }) => /^[A-Za-z0-9_-]{43}$/.test(r.fingerprint))).toBe(true);
  });

  it('refuses a referral between customers with the same email in any case', async () => {
    const email = uniqueEmail();
    const referrer = await member({ email });
    const referred = await member({ email: email.toUpperCase() });
    expect((await refer(referred, referrer)).body).toMatchObject({ status: 422, code: 'shared-contact' });
    expect(await referrals(referred)).toBe(0);
  });

  it('refuses a referral between an imported customer and one created by hand with the same phone', async () => {
    const phone = cnMobile();
    const name = `导入 ${randomUUID().slice(0, 8)}`;
    await gateway()
      .post('/api/v1/imports')
      .set('authorization', agent1)
      .set('content-type', 'text/csv')
      .send(`name,phone\n${name},${phone.e164.slice(3)}\n`)
      .expect(201);
    const imported = (await db.query('SELECT id FROM customer_profile.customers WHERE name = $1', [name])).rows[0]
      .id as string;
    await eventually(
      async () => (await fingerprints(imported)).length === 1,
      20_000,
      'the imported customer’s fingerprint',
    );
    const byHand = await member({ phone: phone.e164 });
    expect((await refer(byHand, imported)).body).toMatchObject({ status: 422, code: 'shared-contact' });
    expect(await referrals(byHand)).toBe(0);
  });

  it('accepts a referral between customers who share no contact', async () => {
    const referrer = await member({ phone: cnMobile().e164, email: uniqueEmail() });
    const referred = await member({ phone: cnMobile().e164, email: uniqueEmail() });
    const accepted = await refer(referred, referrer);
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ referredId: referred, referrerId: referrer, status: 'pending' });
  });

  it('judges a referral on the contacts as they are after a change', async () => {
    const shared = cnMobile().e164;
    const email = uniqueEmail();
    const referrer = await member({ phone: shared, email });

    // shared the phone, then changed it: the referral is judged on the new number
    const changed = await member({ phone: shared });
    expect((await refer(changed, referrer)).body).toMatchObject({ status: 422, code: 'shared-contact' });
    const before = await fingerprints(changed);
    const fresh = cnMobile().e164;
    await gateway()
      .patch(`/api/v1/customers/${changed}`)
      .set('authorization', agent1)
      .send({ phone: fresh, phones: [fresh] })
      .expect(200);
    await eventually(
      async () => {
        const now = await fingerprints(changed);
        return now.length === 1 && now[0] !== before[0];
      },
      20_000,
      'the new fingerprints of the changed customer',
    );
    expect((await refer(changed, referrer)).status).toBe(201);

    // shared nothing, then took the referrer's email: refused from then on
    const later = await member({ phone: cnMobile().e164 });
    await gateway().patch(`/api/v1/customers/${later}`).set('authorization', agent1).send({ email }).expect(200);
    await eventually(
      async () => (await fingerprints(later)).length === 2,
      20_000,
      'the fingerprints with the added email',
    );
    expect((await refer(later, referrer)).body).toMatchObject({ status: 422, code: 'shared-contact' });
    expect(await referrals(later)).toBe(0);
  });

  it('drops the fingerprints of an erased customer and of a merged-away one; the survivor holds the united set', async () => {
    const erased = await member({ phone: cnMobile().e164, email: uniqueEmail() });
    await gateway().delete(`/api/v1/customers/${erased}`).set('authorization', agent1).expect(202);
    await eventually(
      async () => (await fingerprints(erased)).length === 0,
      20_000,
      'the erased customer’s fingerprints gone',
    );
    expect(
      (await db.query('SELECT erased_at FROM loyalty.members WHERE customer_id = $1', [erased])).rows[0].erased_at,
    ).not.toBeNull();

    const survivor = await member({ phone: cnMobile().e164 });
    const source = await member({ email: uniqueEmail() });
    const united = [...(await fingerprints(survivor)), ...(await fingerprints(source))].sort();
    await gateway()
      .post(`/api/v1/customers/${survivor}/merge`)
      .set('authorization', agent1)
      .send({ sourceId: source })
      .expect(200);
    await eventually(
      async () => (await fingerprints(source)).length === 0,
      20_000,
      'the merged-away customer’s fingerprints gone',
    );
    await eventually(
      async () => JSON.stringify(await fingerprints(survivor)) === JSON.stringify(united),
      20_000,
      'the survivor’s united fingerprints',
    );
  });
});
