import { randomUUID } from 'node:crypto';
import { adminClient, bearer, control, customerRequest, eventually, mailsTo, stackInfo } from '@rapport/testing';
import { Client } from 'pg';
import request from 'supertest';

/**
 * An email campaign through the gateway, as marketing runs it: three customers, one who never consented
 * and one who withdraws while the campaign is being sent; exactly one mail arrives in the stack's SMTP
 * server (MailDev); its one-click unsubscribe withdraws the consent, and customer-profile shows it.
 */
describe('campaigns through the gateway', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  let manager: string;

  beforeAll(async () => {
    db = await adminClient();
    manager = await bearer('manager');
  });
  afterAll(async () => {
    await db.end();
  });

  const customer = async (): Promise<string> =>
    (
      await gateway()
        .post('/api/v1/customers')
        .query({ force: 'true' })
        .set('authorization', manager)
        .send(customerRequest())
        .expect(201)
    ).body.id as string;

  const consent = async (customerId: string, granted: boolean) => {
    await gateway()
      .post(`/api/v1/customers/${customerId}/consents`)
      .set('authorization', manager)
      .send({ channel: 'email', purpose: 'marketing', granted, source: 'web_form' })
      .expect(201);
    await eventually(
      async () =>
        (
          await db.query(
            `SELECT 1 FROM interaction.consents WHERE customer_id = $1 AND channel = 'email' AND purpose = 'marketing' AND granted = $2`,
            [customerId, granted],
          )
        ).rowCount === 1,
      20_000,
      'interaction to hold the consent',
    );
  };

  const campaign = async (id: string) =>
    (await gateway().get(`/api/v1/campaigns/${id}`).set('authorization', manager).expect(200)).body as {
      status: string;
      audience: number;
      counts: Record<string, number>;
    };

  it('delivers exactly one mail; its one-click unsubscribe withdraws consent in customer-profile', async () => {
    const [consented, never, withdraws] = [await customer(), await customer(), await customer()];
    await consent(consented, true);
    await consent(withdraws, true);
    const address = (id: string) => `e2e-${id}@example.com`;
    const created = await gateway()
      .post('/api/v1/campaigns')
      .set('authorization', manager)
      .send({
        name: `Spring ${randomUUID().slice(0, 6)}`,
        channel: 'email',
        purpose: 'marketing',
        subject: '{{name}}, spring is here',
        body: '{{name}}, 20 % off until Sunday.',
        audience: [consented, never, withdraws].map((customerId) => ({
          customerId,
          address: address(customerId),
          fields: { name: 'Li Wei' },
        })),
      })
      .expect(201);
    const id = created.body.id as string;
    expect(created.body.counts).toMatchObject({ queued: 3 });

    // `withdraws` is held back (its row locked, as a busy sender would) until the withdrawal is in
    const holder = new Client({ connectionString: stackInfo().databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        'SELECT 1 FROM interaction.campaign_recipients WHERE campaign_id = $1 AND customer_id = $2 FOR UPDATE',
        [id, withdraws],
      );
      await gateway().post(`/api/v1/campaigns/${id}/send`).set('authorization', manager).expect(202);
      await eventually(async () => (await campaign(id)).counts.queued === 1, 20_000, 'the other two decided');
      await consent(withdraws, false);
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    await eventually(async () => (await campaign(id)).status === 'completed', 20_000, 'the campaign to complete');
    const done = await campaign(id);
    expect(done.audience).toBe(3);
    expect(done.counts).toEqual({ queued: 0, skipped: 2, sent: 1, failed: 0, bounced: 0, unsubscribed: 0 });
    const page = await gateway()
      .get(`/api/v1/campaigns/${id}/recipients?limit=2`)
      .set('authorization', manager)
      .expect(200);
    expect(page.body.items).toHaveLength(2);
    const rest = await gateway()
      .get(`/api/v1/campaigns/${id}/recipients`)
      .query({ cursor: page.body.nextCursor })
      .set('authorization', manager)
      .expect(200);
    expect(rest.body).toMatchObject({ nextCursor: null, items: [expect.anything()] });

    const mails = await eventually(async () => {
      const m = await mailsTo(address(consented));
      return m.length > 0 ? m : undefined;
    });
    expect(mails).toHaveLength(1);
    expect(await mailsTo(address(never))).toEqual([]);
    expect(await mailsTo(address(withdraws))).toEqual([]);
    expect(mails[0]!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const link = new URL(/^<(.+)>$/.exec(mails[0]!.headers['list-unsubscribe']!)![1]!);
    expect(link.origin).toBe(new URL(stackInfo().gatewayUrl).origin);

    // the page, then the one-click POST as a mailbox provider sends it (RFC 8058), without any account
    const confirm = await gateway().get(link.pathname).expect(200);
    expect(confirm.headers['content-type']).toMatch(/text\/html/);
    expect(confirm.text).toContain('<form method="post"');
    await gateway().post(link.pathname).type('form').send('List-Unsubscribe=One-Click').expect(200);
    await eventually(
      async () => {
        const consents = (
          await gateway().get(`/api/v1/customers/${consented}/consents`).set('authorization', manager).expect(200)
        ).body as { current: Array<{ channel: string; purpose: string; granted: boolean; source: string }> };
        return consents.current.find(
          (c) =>
            c.channel === 'email' && c.purpose === 'marketing' && !c.granted && c.source === 'one-click-unsubscribe',
        );
      },
      20_000,
      'customer-profile to show the withdrawal',
    );
    expect((await campaign(id)).counts).toMatchObject({ sent: 0, unsubscribed: 1 });
    // a forged link is refused, as problem+json
    const forged = await gateway()
      .post(`${link.pathname.slice(0, -3)}abc`)
      .expect(403);
    expect(forged.headers['content-type']).toMatch(/application\/problem\+json/);
  }, 120_000);

  it('a kill -9 of interaction mid-send: every recipient gets the mail, any copy with the same Message-ID', async () => {
    const customers = Array.from({ length: 150 }, () => randomUUID());
    await db.query(
      `INSERT INTO interaction.consents (customer_id, channel, purpose, granted, changed_at)
       SELECT id, 'email', 'marketing', true, now() FROM unnest($1::uuid[]) AS id`,
      [customers],
    );
    const address = (id: string) => `kill-${id}@example.com`;
    const created = await gateway()
      .post('/api/v1/campaigns')
      .set('authorization', manager)
      .send({
        name: 'Kill -9',
        channel: 'email',
        purpose: 'marketing',
        subject: 'Hello',
        body: 'Hello {{name}}',
        audience: customers.map((customerId) => ({ customerId, address: address(customerId), fields: { name: 'x' } })),
      })
      .expect(201);
    const id = created.body.id as string;
    await gateway().post(`/api/v1/campaigns/${id}/send`).set('authorization', manager).expect(202);
    // the stack's interaction sends at its default 50/s: about a fifth in, kill it as a crash would
    await eventually(async () => (await campaign(id)).counts.sent >= 30, 20_000, 'the send under way');
    await control('services/interaction/kill');
    // its supervisor brings it back, and the sender goes on where the database says
    await eventually(async () => (await campaign(id)).status === 'completed', 90_000, 'the campaign to complete');
    expect((await campaign(id)).counts).toEqual({
      queued: 0,
      skipped: 0,
      sent: 150,
      failed: 0,
      bounced: 0,
      unsubscribed: 0,
    });
    let copies = 0;
    for (const c of customers) {
      const mails = await eventually(async () => {
        const m = await mailsTo(address(c));
        return m.length > 0 ? m : undefined;
      });
      expect(new Set(mails.map((m) => m.headers['message-id']))).toEqual(
        new Set([`<${id}.${c}@campaigns.rapport.local>`]),
      );
      copies += mails.length - 1;
    }
    // a second copy only for a message the relay took in the instant before the kill: at most the
    // sender's transactions in flight (INTERACTION_CAMPAIGN_WORKERS × BATCH = 6 by default)
    expect(copies).toBeLessThanOrEqual(6);
  }, 180_000);

  it('refuses a campaign without the scope, and bad input as problem+json', async () => {
    const agent = await bearer('agent1');
    await gateway().post('/api/v1/campaigns').set('authorization', agent).send({}).expect(403);
    await gateway().get(`/api/v1/campaigns/${randomUUID()}`).expect(401);
    const bad = await gateway()
      .post('/api/v1/campaigns')
      .set('authorization', manager)
      .send({
        name: 'x',
        channel: 'sms',
        purpose: 'marketing',
        subject: 'no',
        body: 'hi',
        audience: [{ customerId: randomUUID(), address: '+8613800138000' }],
      })
      .expect(422);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    await gateway().get(`/api/v1/campaigns/${randomUUID()}`).set('authorization', manager).expect(404);
  });
});
