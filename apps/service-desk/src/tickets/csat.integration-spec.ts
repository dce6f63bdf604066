import {
  closeServiceTestClients,
  handledBy,
  openServiceTestClients,
  publishCustomerEvents,
  startServiceInProcess,
  TEST_CALLERS,
  type InProcessService,
  type ServiceTestClients,
  type TestCaller,
} from '@rapport/testing';
import { AppModule } from '../app.module';
import { customerCreated } from '../../test/factories/customer-events';
import { ticketRequest } from '../../test/factories/tickets';

/**
 * Medium tier: the customer's rating of a resolution (CSAT) through the signed link, with service-desk
 * booted in this process against the stack's PostgreSQL and Kafka.
 */
describe('CSAT of resolved tickets in service-desk (in process)', () => {
  let sut: InProcessService;
  let clients: ServiceTestClients;
  /** A department client that reads tickets but does not work them. */
  const reader: TestCaller = { sub: 'helpdesk-app', roles: ['integration'], scopes: ['tickets:read'] };

  beforeAll(async () => {
    clients = await openServiceTestClients();
    sut = await startServiceInProcess('service-desk', AppModule);
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
    await closeServiceTestClients(clients);
  });

  const knownCustomer = async (): Promise<string> => {
    const event = customerCreated();
    await publishCustomerEvents(clients.producer, event);
    await handledBy(clients.db, 'service_desk', event);
    return event.data.customerId;
  };

  const get = async (id: string, caller: TestCaller = TEST_CALLERS.agent1) =>
    (
      await sut
        .http()
        .get(`/internal/v1/tickets/${id}`)
        .set(await sut.as(caller))
        .expect(200)
    ).body as {
      status: string;
      assignee: string | null;
      reopenedCount: number;
      csatLink: string | null;
      lastCsat: { resolution: number; rating: number; comment: string | null } | null;
    };

  /** A ticket of agent1's, moved to resolved: its CSAT link as the agent reads it. */
  const resolvedTicket = async (): Promise<{ id: string; customerId: string; link: string }> => {
    const customerId = await knownCustomer();
    const created = await sut
      .http()
      .post('/internal/v1/tickets')
      .set(await sut.as(TEST_CALLERS.agent1))
      .send(ticketRequest(customerId, { assignee: 'agent1' }))
      .expect(201);
    const id = created.body.id as string;
    expect(created.body.csatLink).toBeNull();
    for (const to of ['acknowledged', 'investigating', 'resolved'])
      await sut
        .http()
        .post(`/internal/v1/tickets/${id}/transitions`)
        .set(await sut.as(TEST_CALLERS.agent1))
        .send({ to })
        .expect(200);
    const ticket = await get(id);
    expect(ticket.csatLink).toMatch(new RegExp(`^/api/v1/tickets/${id}/csat\\?token=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    return { id, customerId, link: ticket.csatLink! };
  };

  /** The link as the gateway forwards it: no caller identity, only the token. */
  const rate = (link: string, body: Record<string, unknown>) =>
    sut.http().post(link.replace('/api/v1/', '/internal/v1/')).send(body);

  const csatEvents = async (ticketId: string) =>
    (
      await clients.db.query<{ payload: string; message_key: string }>(
        `SELECT payload, message_key FROM service_desk.outbox
          WHERE event_type = 'rapport.service-desk.csat.submitted.v1' AND payload::jsonb->>'ticketId' = $1`,
        [ticketId],
      )
    ).rows.map((r) => ({ key: r.message_key, data: JSON.parse(r.payload) as Record<string, unknown> }));

  it('asks for a rating on resolution: the link shows to those who work tickets, takes one rating, publishes csat.submitted', async () => {
    const { id, customerId, link } = await resolvedTicket();
    expect((await get(id, reader)).csatLink).toBeNull();

    const answer = await rate(link, { rating: 4, comment: 'Quick and friendly, 谢谢' }).expect(201);
    expect(answer.body).toMatchObject({ ticketId: id, resolution: 1, rating: 4 });

    const ticket = await get(id);
    expect(ticket).toMatchObject({
      status: 'resolved',
      csatLink: null,
      lastCsat: { resolution: 1, rating: 4, comment: 'Quick and friendly, 谢谢' },
    });
    const events = await csatEvents(id);
    expect(events).toEqual([
      {
        key: customerId,
        data: expect.objectContaining({ ticketId: id, customerId, resolution: 1, rating: 4, reopened: false }),
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('friendly');

    const again = await rate(link, { rating: 5 }).expect(409);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.body.code).toBe('csat-already-submitted');
    expect(await csatEvents(id)).toHaveLength(1);
  });

  it('refuses a forged, foreign or expired token with 403 problem+json, and a bad rating with 400 naming it', async () => {
    const { id, link } = await resolvedTicket();
    const other = await resolvedTicket();
    const [path, token] = link.split('?token=') as [string, string];
    const [payload, mac] = token.split('.') as [string, string];
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), r: 2 }),
    ).toString('base64url');
    for (const bad of [
      `${path}?token=${forgedPayload}.${mac}`,
      `${path}?token=${payload}.${mac.slice(0, -2)}AA`,
      `${path}?token=garbage`,
      `${path}?token=${other.link.split('?token=')[1]}`,
    ]) {
      const refused = await rate(bad, { rating: 5 }).expect(403);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body.code).toBe('csat-link-invalid');
    }
    // expired: the request's expiry is in the token, so a link minted for a past expiry is refused
    await clients.db.query(
      `UPDATE service_desk.ticket_csat SET expires_at = now() - interval '1 day' WHERE ticket_id = $1`,
      [other.id],
    );
    expect((await get(other.id)).csatLink).toBeNull();
    expect((await rate(other.link, { rating: 5 }).expect(403)).body.code).toBe('csat-link-invalid');

    const tooHigh = await rate(link, { rating: 6 }).expect(400);
    expect(tooHigh.body.errors[0].field).toBe('rating');
    const noToken = await sut.http().post(`/internal/v1/tickets/${id}/csat`).send({ rating: 3 }).expect(400);
    expect(noToken.body.errors[0].field).toBe('token');
    const longComment = await rate(link, { rating: 3, comment: 'x'.repeat(2_001) }).expect(400);
    expect(longComment.body.errors[0].field).toBe('comment');
    expect((await get(id)).lastCsat).toBeNull();
  });

  it('reopens the ticket on a low rating (1–2) for the queue’s lead, even outside the reopen window; the next resolution asks again', async () => {
    const { id, link } = await resolvedTicket();
    // resolved long ago: the reopen window (14 days) is over, a customer could not have it reopened
    await clients.db.query(`UPDATE service_desk.tickets SET resolved_at = now() - interval '30 days' WHERE id = $1`, [
      id,
    ]);
    expect((await get(id)).csatLink).not.toBeNull();
    await rate(link, { rating: 2, comment: 'Still broken' }).expect(201);

    const ticket = await get(id, TEST_CALLERS.manager);
    // the general queue's lead is the manager
    expect(ticket).toMatchObject({ status: 'reopened', reopenedCount: 1, assignee: 'manager', csatLink: null });
    expect(ticket.lastCsat).toMatchObject({ resolution: 1, rating: 2 });
    const history = await sut
      .http()
      .get(`/internal/v1/tickets/${id}/history`)
      .set(await sut.as(TEST_CALLERS.manager))
      .expect(200);
    const tail = (history.body.items as Array<Record<string, unknown>>).slice(-3);
    expect(tail).toEqual([
      expect.objectContaining({ kind: 'csat', actor: 'csat', rating: 2, text: 'Still broken' }),
      expect.objectContaining({ kind: 'transition', actor: 'csat', fromStatus: 'resolved', toStatus: 'reopened' }),
      expect.objectContaining({ kind: 'updated', actor: 'csat', changedFields: ['assignee'] }),
    ]);
    expect((await csatEvents(id))[0]?.data).toMatchObject({ rating: 2, reopened: true });
    const transitioned = await clients.db.query(
      `SELECT 1 FROM service_desk.outbox WHERE event_type = 'rapport.service-desk.ticket.transitioned.v1'
        AND payload::jsonb->>'ticketId' = $1 AND payload::jsonb->>'actor' = 'csat' AND payload::jsonb->>'to' = 'reopened'`,
      [id],
    );
    expect(transitioned.rowCount).toBe(1);

    // the next resolution is rated on its own link; the first one stays used
    for (const to of ['investigating', 'resolved'])
      await sut
        .http()
        .post(`/internal/v1/tickets/${id}/transitions`)
        .set(await sut.as(TEST_CALLERS.manager))
        .send({ to })
        .expect(200);
    const second = (await get(id, TEST_CALLERS.manager)).csatLink!;
    expect(second).not.toBe(link);
    await rate(link, { rating: 5 }).expect(409);
    await rate(second, { rating: 5 }).expect(201);
    expect(await get(id, TEST_CALLERS.manager)).toMatchObject({
      status: 'resolved',
      lastCsat: { resolution: 2, rating: 5 },
    });
  });
});
