import { randomUUID } from 'node:crypto';
import { createEnvelope, ConsentChangedV1 } from '@rapport/contracts';
import {
  closeServiceTestClients,
  eventually,
  handledBy,
  mailsTo,
  smsTo,
  openServiceTestClients,
  publishCustomerEvents,
  stackInfo,
  startServiceInProcess,
  TEST_CALLERS,
  type InProcessService,
  type ServiceTestClients,
} from '@rapport/testing';
import { Client } from 'pg';
import { AppModule } from '../app.module';

/**
 * Medium tier: campaigns against the stack's PostgreSQL, Kafka, MailDev and SMS sink. Consent comes
 * from customer-profile's consent.changed events, as in production; mail is read back from MailDev's
 * HTTP API. The stack's own interaction and this in-process one both run the sender, as two replicas.
 */
describe('campaigns in interaction (in process)', () => {
  let sut: InProcessService;
  let clients: ServiceTestClients;

  beforeAll(async () => {
    clients = await openServiceTestClients();
    sut = await startServiceInProcess('interaction', AppModule);
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
    await closeServiceTestClients(clients);
  });

  const consent = async (customerId: string, granted: boolean, channel: 'email' | 'sms' = 'email') => {
    const event = createEnvelope(ConsentChangedV1, customerId, {
      customerId,
      channel,
      purpose: 'marketing',
      granted,
      changedAt: new Date().toISOString(),
    });
    await publishCustomerEvents(clients.producer, event);
    await handledBy(clients.db, 'interaction', event);
  };

  const addressOf = (customerId: string) => `c-${customerId}@example.com`;

  const create = async (customerIds: string[], channel: 'email' | 'sms' = 'email', phones?: string[]) =>
    (
      await sut
        .http()
        .post('/internal/v1/campaigns')
        .set(await sut.as(TEST_CALLERS.manager))
        .send({
          name: 'Spring sale',
          channel,
          purpose: 'marketing',
          ...(channel === 'email' ? { subject: '{{name}}, spring is here' } : {}),
          body: 'Dear {{name}}, 20 % off until Sunday.',
          audience: customerIds.map((customerId, i) => ({
            customerId,
            address: channel === 'email' ? addressOf(customerId) : phones![i]!,
            fields: { name: `Customer ${i + 1}` },
          })),
        })
        .expect(201)
    ).body as { id: string; audience: number; counts: Record<string, number> };

  const send = async (id: string) =>
    sut
      .http()
      .post(`/internal/v1/campaigns/${id}/send`)
      .set(await sut.as(TEST_CALLERS.manager))
      .expect(202);

  const view = async (id: string) =>
    (
      await sut
        .http()
        .get(`/internal/v1/campaigns/${id}`)
        .set(await sut.as(TEST_CALLERS.manager))
        .expect(200)
    ).body as { status: string; audience: number; counts: Record<string, number> };

  const recipients = async (id: string) =>
    (
      await sut
        .http()
        .get(`/internal/v1/campaigns/${id}/recipients`)
        .set(await sut.as(TEST_CALLERS.manager))
        .expect(200)
    ).body as { items: Array<{ customerId: string; state: string; reason: string | null }> };

  it('sends one mail to the one who consented: never consented and withdrawn during the send are skipped', async () => {
    const [consented, never, withdraws] = [randomUUID(), randomUUID(), randomUUID()];
    await consent(consented, true);
    await consent(withdraws, true);
    const campaign = await create([consented, never, withdraws]);
    expect(campaign.counts).toMatchObject({ queued: 3, sent: 0 });

    // The sender is busy with the others while `withdraws` waits: its row is held by this transaction.
    const holder = new Client({ connectionString: stackInfo().databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        'SELECT 1 FROM interaction.campaign_recipients WHERE campaign_id = $1 AND customer_id = $2 FOR UPDATE',
        [campaign.id, withdraws],
      );
      await send(campaign.id);
      await eventually(async () => (await view(campaign.id)).counts.queued === 1, 20_000, 'the other two decided');
      await consent(withdraws, false);
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }

    const done = await eventually(
      async () => {
        const v = await view(campaign.id);
        return v.status === 'completed' ? v : undefined;
      },
      20_000,
      'the campaign to complete',
    );
    expect(done.audience).toBe(3);
    expect(done.counts).toEqual({ queued: 0, skipped: 2, sent: 1, failed: 0, bounced: 0, unsubscribed: 0 });
    const states = Object.fromEntries((await recipients(campaign.id)).items.map((r) => [r.customerId, r]));
    expect(states[consented]).toMatchObject({ state: 'sent', reason: null });
    expect(states[never]).toMatchObject({ state: 'skipped', reason: 'no-consent' });
    expect(states[withdraws]).toMatchObject({ state: 'skipped', reason: 'consent-withdrawn' });

    const mails = await eventually(async () => {
      const m = await mailsTo(addressOf(consented));
      return m.length > 0 ? m : undefined;
    });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Customer 1, spring is here');
    expect(mails[0]!.headers['list-unsubscribe']).toMatch(/^<http.*\/api\/v1\/public\/unsubscribe\/[\w-]+\.[\w-]+>$/);
    expect(mails[0]!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(await mailsTo(addressOf(never))).toHaveLength(0);
    expect(await mailsTo(addressOf(withdraws))).toHaveLength(0);

    // the one-click POST (RFC 8058) withdraws the consent at once and says so on the recipient
    const token = /\/unsubscribe\/([^>]+)>/.exec(mails[0]!.headers['list-unsubscribe']!)![1]!;
    const page = await sut.http().get(`/internal/v1/public/unsubscribe/${token}`).expect(200);
    expect(page.body).toEqual({ channel: 'email', purpose: 'marketing', withdrawn: false });
    await sut.http().post(`/internal/v1/public/unsubscribe/${token}`).expect(200);
    const row = await clients.db.query(
      `SELECT granted FROM interaction.consents WHERE customer_id = $1 AND channel = 'email' AND purpose = 'marketing'`,
      [consented],
    );
    expect(row.rows[0]).toEqual({ granted: false });
    const outbox = await clients.db.query(
      `SELECT count(*)::int AS n FROM interaction.outbox WHERE event_type = 'rapport.interaction.consent.withdrawn.v1' AND message_key = $1`,
      [consented],
    );
    expect(outbox.rows[0].n).toBe(1);
    expect((await view(campaign.id)).counts).toMatchObject({ sent: 0, unsubscribed: 1 });
    // a forged token is refused
    await sut
      .http()
      .post(`/internal/v1/public/unsubscribe/${token.slice(0, -2)}xx`)
      .expect(403);
  }, 90_000);

  it('a sender that dies holding a claim leaves nobody sent twice and nobody skipped', async () => {
    const customers = Array.from({ length: 6 }, () => randomUUID());
    for (const c of customers) await consent(c, true);
    const campaign = await create(customers);
    // A sender claims two recipients (FOR UPDATE … SKIP LOCKED, as the sender does) and dies before handing them over.
    const crashed = new Client({ connectionString: stackInfo().databaseUrl });
    await crashed.connect();
    crashed.on('error', () => undefined);
    await crashed.query('BEGIN');
    const claimed = await crashed.query(
      `SELECT customer_id FROM interaction.campaign_recipients WHERE campaign_id = $1 AND state = 'queued'
        ORDER BY customer_id LIMIT 2 FOR UPDATE SKIP LOCKED`,
      [campaign.id],
    );
    expect(claimed.rowCount).toBe(2);
    const pid = (await crashed.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    await send(campaign.id);
    await eventually(async () => (await view(campaign.id)).counts.sent === 4, 20_000, 'the unclaimed four sent');
    // the crash: the connection goes, its transaction with it
    await clients.db.query('SELECT pg_terminate_backend($1)', [pid]);
    await crashed.end().catch(() => undefined);

    await eventually(async () => (await view(campaign.id)).status === 'completed', 20_000, 'the campaign to complete');
    expect((await view(campaign.id)).counts).toEqual({
      queued: 0,
      skipped: 0,
      sent: 6,
      failed: 0,
      bounced: 0,
      unsubscribed: 0,
    });
    for (const c of customers) {
      const mails = await eventually(async () => {
        const m = await mailsTo(addressOf(c));
        return m.length > 0 ? m : undefined;
      });
      expect(mails).toHaveLength(1);
      expect(mails[0]!.headers['message-id']).toBe(`<${campaign.id}.${c}@campaigns.rapport.local>`);
    }
  }, 90_000);

  it('an SMS ends with the opt-out text; the reply T withdraws SMS consent', async () => {
    const customerId = randomUUID();
    const phone = `+86139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    await consent(customerId, true, 'sms');
    const campaign = await create([customerId], 'sms', [phone]);
    await send(campaign.id);
    const [sms] = await eventually(async () => {
      const s = await smsTo(phone);
      return s.length > 0 ? s : undefined;
    });
    expect(sms!.text).toBe('Dear Customer 1, 20 % off until Sunday. 回T退订 Reply T to unsubscribe');
    const reply = await sut
      .http()
      .post('/internal/v1/sms/inbound')
      .set(await sut.as(TEST_CALLERS.manager))
      .send({ from: phone, text: ' td ' })
      .expect(200);
    expect(reply.body).toEqual({ withdrawn: 1 });
    const row = await clients.db.query(
      `SELECT granted FROM interaction.consents WHERE customer_id = $1 AND channel = 'sms' AND purpose = 'marketing'`,
      [customerId],
    );
    expect(row.rows[0]).toEqual({ granted: false });
  }, 60_000);

  it('refuses bad input with problem+json: 400 for the shape, 422 for rules across fields, 404, 409', async () => {
    const headers = await sut.as(TEST_CALLERS.manager);
    const bad = await sut
      .http()
      .post('/internal/v1/campaigns')
      .set(headers)
      .send({ name: 'x', channel: 'fax' })
      .expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    const rules = await sut
      .http()
      .post('/internal/v1/campaigns')
      .set(headers)
      .send({
        name: 'No subject',
        channel: 'email',
        purpose: 'marketing',
        body: 'Hello {{name',
        audience: [{ customerId: randomUUID(), address: 'not-an-address' }],
      })
      .expect(422);
    expect(rules.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'audience[0].address',
      'body',
      'subject',
    ]);
    await sut.http().get(`/internal/v1/campaigns/${randomUUID()}`).set(headers).expect(404);
    await sut.http().get('/internal/v1/campaigns/not-a-uuid').set(headers).expect(400);
    const campaign = await create([randomUUID()]);
    await send(campaign.id);
    await sut.http().post(`/internal/v1/campaigns/${campaign.id}/send`).set(headers).expect(409);
    await sut.http().get(`/internal/v1/campaigns/${campaign.id}/recipients?cursor=nonsense`).set(headers).expect(400);
    await sut
      .http()
      .get(`/internal/v1/campaigns/${campaign.id}`)
      .set(await sut.as(TEST_CALLERS.agent1))
      .expect(403);
  }, 60_000);
});
