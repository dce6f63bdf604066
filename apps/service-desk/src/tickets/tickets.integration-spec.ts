import { randomUUID } from 'node:crypto';
import {
  closeServiceTestClients,
  eventually,
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
 * Medium tier: service-desk booted in this process against the stack's PostgreSQL and Kafka, called on
 * its internal API as the gateway would (signed caller identity). It learns customers from
 * customer-profile's events (published here on the real broker, consumed by the stack's instance) and
 * keeps the rules of the complaint process, row level and conditional changes itself.
 */
describe('tickets in service-desk (in process)', () => {
  let sut: InProcessService;
  let clients: ServiceTestClients;
  const southManager: TestCaller = { sub: 'manager-south', roles: ['manager'], team: 'south' };
  /** A department client holding tickets scopes but not pii:read. */
  const integration: TestCaller = { sub: 'helpdesk-app', roles: ['integration'], scopes: ['tickets:read'] };

  beforeAll(async () => {
    clients = await openServiceTestClients();
    sut = await startServiceInProcess('service-desk', AppModule);
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
    await closeServiceTestClients(clients);
  });

  /** A customer service-desk has learned from customer.created. */
  const knownCustomer = async (): Promise<string> => {
    const customerId = randomUUID();
    await publishCustomerEvents(clients.producer, customerCreated(customerId));
    await eventually(
      async () =>
        ((await clients.db.query('SELECT 1 FROM service_desk.customer_refs WHERE customer_id = $1', [customerId]))
          .rowCount ?? 0) === 1,
      20_000,
      'service-desk to know the customer',
    );
    return customerId;
  };

  const open = async (caller: TestCaller, customerId: string, overrides = {}) =>
    (
      await sut
        .http()
        .post('/internal/v1/tickets')
        .set(await sut.as(caller))
        .send(ticketRequest(customerId, overrides))
        .expect(201)
    ).body as { id: string; version: number; status: string };

  const move = async (caller: TestCaller, id: string, to: string, note?: string) =>
    sut
      .http()
      .post(`/internal/v1/tickets/${id}/transitions`)
      .set(await sut.as(caller))
      .send({ to, ...(note ? { note } : {}) });

  const outboxOf = async (ticketId: string) =>
    (
      await clients.db.query<{ event_type: string; message_key: string; payload: string }>(
        `SELECT event_type, message_key, payload FROM service_desk.outbox
          WHERE event_type LIKE 'rapport.service-desk.ticket.%' AND payload::jsonb->>'ticketId' = $1 ORDER BY seq`,
        [ticketId],
      )
    ).rows.map((r) => ({
      type: r.event_type,
      key: r.message_key,
      data: JSON.parse(r.payload) as Record<string, unknown>,
    }));

  describe('receiving a ticket', () => {
    it('opens it received for a known customer, with its ETag, a created entry and ticket.created keyed by the customer', async () => {
      const customerId = await knownCustomer();
      const answer = await sut
        .http()
        .post('/internal/v1/tickets')
        .set(await sut.as(TEST_CALLERS.agent1))
        .send(ticketRequest(customerId, { priority: 'high', category: 'delivery' }))
        .expect(201);
      expect(answer.headers['etag']).toBe('"1"');
      expect(answer.body).toMatchObject({
        customerId,
        type: 'complaint',
        channel: 'phone',
        priority: 'high',
        category: 'delivery',
        team: 'north',
        assignee: null,
        // no queue matches a plain complaint: the general queue, whose assignment is manual
        queue: 'general',
        vip: false,
        status: 'received',
        allowedTransitions: ['acknowledged'],
        version: 1,
        firstRepliedAt: null,
        reopenedCount: 0,
      });
      const history = await sut
        .http()
        .get(`/internal/v1/tickets/${answer.body.id}/history`)
        .set(await sut.as(TEST_CALLERS.agent1))
        .expect(200);
      expect(history.body).toMatchObject({ ticketId: answer.body.id, customerId });
      expect(history.body.items).toEqual([
        expect.objectContaining({ seq: 1, kind: 'created', actor: 'agent1', fromStatus: null, toStatus: 'received' }),
      ]);
      const events = await outboxOf(answer.body.id);
      expect(events).toEqual([
        {
          type: 'rapport.service-desk.ticket.created.v1',
          key: customerId,
          data: expect.objectContaining({ ticketId: answer.body.id, customerId, status: 'received', actor: 'agent1' }),
        },
      ]);
      // No text of the customer travels in the event.
      expect(JSON.stringify(events)).not.toContain('kettle');
    });

    it('refuses an unknown customer with 422 naming customerId', async () => {
      const answer = await sut
        .http()
        .post('/internal/v1/tickets')
        .set(await sut.as(TEST_CALLERS.agent1))
        .send(ticketRequest(randomUUID()))
        .expect(422);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ code: 'customer-unknown', errors: [{ field: 'customerId' }] });
    });

    it('takes a receivedAt in the past, refuses one in the future with 422 and a bad type with 400, naming the field', async () => {
      const customerId = await knownCustomer();
      const caller = await sut.as(TEST_CALLERS.agent1);
      const earlier = '2026-11-30T09:30:00+08:00';
      const ok = await sut
        .http()
        .post('/internal/v1/tickets')
        .set(caller)
        .send(ticketRequest(customerId, { receivedAt: earlier }))
        .expect(201);
      expect(ok.body.receivedAt).toBe(new Date(earlier).toISOString());
      const future = await sut
        .http()
        .post('/internal/v1/tickets')
        .set(caller)
        .send(ticketRequest(customerId, { receivedAt: new Date(Date.now() + 3_600_000).toISOString() }))
        .expect(422);
      expect(future.body.errors).toEqual([expect.objectContaining({ field: 'receivedAt' })]);
      const badType = await sut
        .http()
        .post('/internal/v1/tickets')
        .set(caller)
        .send({ ...ticketRequest(customerId), type: 'praise' })
        .expect(400);
      expect(badType.body.errors[0].field).toBe('type');
    });

    it('opens tickets for the caller’s own team only; a caller without a team names one', async () => {
      const customerId = await knownCustomer();
      const other = await sut
        .http()
        .post('/internal/v1/tickets')
        .set(await sut.as(TEST_CALLERS.agent1))
        .send(ticketRequest(customerId, { team: 'south' }))
        .expect(422);
      expect(other.body.errors[0].field).toBe('team');
      const none = await sut
        .http()
        .post('/internal/v1/tickets')
        .set(await sut.as(TEST_CALLERS.admin))
        .send(ticketRequest(customerId))
        .expect(422);
      expect(none.body.errors[0].field).toBe('team');
      expect((await open(TEST_CALLERS.admin, customerId, { team: 'south' })).status).toBe('received');
    });
  });

  describe('the complaint process', () => {
    it('goes received → acknowledged (first reply) → investigating ⇄ pending-customer → resolved → reopened → investigating → resolved → closed, each step in history and outbox', async () => {
      const customerId = await knownCustomer();
      const agent = await sut.as(TEST_CALLERS.agent1);
      const { id } = await open(TEST_CALLERS.agent1, customerId);

      const replied = await sut
        .http()
        .post(`/internal/v1/tickets/${id}/replies`)
        .set(agent)
        .send({ text: 'We are sorry; we are looking into it.' })
        .expect(201);
      expect(replied.body).toMatchObject({ status: 'acknowledged', version: 2 });
      expect(replied.body.firstRepliedAt).not.toBeNull();
      const firstRepliedAt = replied.body.firstRepliedAt as string;

      for (const to of ['investigating', 'pending-customer', 'investigating'])
        expect((await move(TEST_CALLERS.agent1, id, to)).status).toBe(200);
      const again = await sut
        .http()
        .post(`/internal/v1/tickets/${id}/replies`)
        .set(agent)
        .send({ text: 'A replacement is on its way.' })
        .expect(201);
      expect(again.body).toMatchObject({ status: 'investigating', firstRepliedAt });
      await sut
        .http()
        .post(`/internal/v1/tickets/${id}/notes`)
        .set(agent)
        .send({ text: 'Courier confirmed.' })
        .expect(201);

      const resolved = await move(TEST_CALLERS.agent1, id, 'resolved', 'Replacement delivered');
      expect(resolved.body).toMatchObject({ status: 'resolved', allowedTransitions: ['closed', 'reopened'] });
      expect(resolved.body.resolvedAt).not.toBeNull();
      const reopened = await move(TEST_CALLERS.agent1, id, 'reopened', 'The replacement is dented too');
      expect(reopened.body).toMatchObject({
        status: 'reopened',
        reopenedCount: 1,
        allowedTransitions: ['investigating'],
      });
      for (const to of ['investigating', 'resolved', 'closed'])
        expect((await move(TEST_CALLERS.agent1, id, to)).status).toBe(200);

      const ticket = await sut.http().get(`/internal/v1/tickets/${id}`).set(agent).expect(200);
      expect(ticket.body).toMatchObject({ status: 'closed', allowedTransitions: [], reopenedCount: 1 });
      expect(ticket.body.closedAt).not.toBeNull();

      const history = await sut.http().get(`/internal/v1/tickets/${id}/history`).set(agent).expect(200);
      expect(
        history.body.items.map((e: { kind: string; fromStatus: string | null; toStatus: string | null }) =>
          e.kind === 'transition' ? `${e.fromStatus}→${e.toStatus}` : e.kind,
        ),
      ).toEqual([
        'created',
        'reply',
        'received→acknowledged',
        'acknowledged→investigating',
        'investigating→pending-customer',
        'pending-customer→investigating',
        'reply',
        'note',
        'investigating→resolved',
        'resolved→reopened',
        'reopened→investigating',
        'investigating→resolved',
        'resolved→closed',
      ]);
      expect(history.body.items.map((e: { seq: number }) => e.seq)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
      ]);
      expect(history.body.items[9]).toMatchObject({ actor: 'agent1', text: 'The replacement is dented too' });

      const events = await outboxOf(id);
      expect(events.every((e) => e.key === customerId)).toBe(true);
      expect(
        events.map((e) => (e.type.endsWith('transitioned.v1') ? `${e.data['from']}→${e.data['to']}` : e.type)),
      ).toEqual([
        'rapport.service-desk.ticket.created.v1',
        'rapport.service-desk.ticket.replied.v1',
        'received→acknowledged',
        'acknowledged→investigating',
        'investigating→pending-customer',
        'pending-customer→investigating',
        'rapport.service-desk.ticket.replied.v1',
        'investigating→resolved',
        'resolved→reopened',
        'reopened→investigating',
        'investigating→resolved',
        'resolved→closed',
      ]);
      expect(events[1]!.data).toMatchObject({ first: true, actor: 'agent1' });
      expect(events[6]!.data).toMatchObject({ first: false });
    });

    it('refuses a move the process does not allow with 409 listing the allowed targets, and changes nothing', async () => {
      const customerId = await knownCustomer();
      const { id } = await open(TEST_CALLERS.agent1, customerId);
      const skip = await move(TEST_CALLERS.agent1, id, 'resolved');
      expect(skip.status).toBe(409);
      expect(skip.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(skip.body).toMatchObject({
        type: 'https://rapport.dev/problems/conflict',
        code: 'transition-not-allowed',
        status: 409,
        ticketStatus: 'received',
        allowed: ['acknowledged'],
      });
      const ticket = await sut
        .http()
        .get(`/internal/v1/tickets/${id}`)
        .set(await sut.as(TEST_CALLERS.agent1))
        .expect(200);
      expect(ticket.body).toMatchObject({ status: 'received', version: 1 });
      expect(await outboxOf(id)).toHaveLength(1);
      const unknown = await move(TEST_CALLERS.agent1, id, 'escalated');
      expect(unknown.status).toBe(400);
    });

    it('refuses every move and every reply once closed', async () => {
      const customerId = await knownCustomer();
      const { id } = await open(TEST_CALLERS.agent1, customerId);
      for (const to of ['acknowledged', 'investigating', 'resolved', 'closed']) await move(TEST_CALLERS.agent1, id, to);
      const reopen = await move(TEST_CALLERS.agent1, id, 'reopened');
      expect(reopen.status).toBe(409);
      expect(reopen.body.allowed).toEqual([]);
      const reply = await sut
        .http()
        .post(`/internal/v1/tickets/${id}/replies`)
        .set(await sut.as(TEST_CALLERS.agent1))
        .send({ text: 'Anything else?' })
        .expect(409);
      expect(reply.body.code).toBe('ticket-closed');
    });

    it('reopens a resolved ticket only within the reopen window (14 days)', async () => {
      const customerId = await knownCustomer();
      const { id } = await open(TEST_CALLERS.agent1, customerId);
      for (const to of ['acknowledged', 'investigating', 'resolved']) await move(TEST_CALLERS.agent1, id, to);
      await clients.db.query(`UPDATE service_desk.tickets SET resolved_at = now() - interval '15 days' WHERE id = $1`, [
        id,
      ]);
      const late = await move(TEST_CALLERS.agent1, id, 'reopened');
      expect(late.status).toBe(409);
      expect(late.body.allowed).toEqual(['closed']);
    });
  });

  describe('conditional changes (If-Match)', () => {
    it('refuses a stale If-Match (412), applies a current one with a new ETag, history and ticket.updated, and one without If-Match to the current version', async () => {
      const customerId = await knownCustomer();
      const agent = await sut.as(TEST_CALLERS.agent1);
      const { id } = await open(TEST_CALLERS.agent1, customerId);

      const changed = await sut
        .http()
        .patch(`/internal/v1/tickets/${id}`)
        .set(agent)
        .set('If-Match', '"1"')
        .send({ priority: 'urgent', category: 'delivery', subject: 'Kettle dented' })
        .expect(200);
      expect(changed.headers['etag']).toBe('"2"');
      expect(changed.body).toMatchObject({
        priority: 'urgent',
        category: 'delivery',
        subject: 'Kettle dented',
        version: 2,
      });

      const stale = await sut
        .http()
        .patch(`/internal/v1/tickets/${id}`)
        .set(agent)
        .set('If-Match', '"1"')
        .send({ priority: 'low' })
        .expect(412);
      expect(stale.body).toMatchObject({ type: 'https://rapport.dev/problems/precondition-failed', currentVersion: 2 });
      await sut
        .http()
        .patch(`/internal/v1/tickets/${id}`)
        .set(agent)
        .set('If-Match', 'nonsense')
        .send({ priority: 'low' })
        .expect(400);
      const cleared = await sut
        .http()
        .patch(`/internal/v1/tickets/${id}`)
        .set(agent)
        .set('If-Match', '"2"')
        .send({ subject: null })
        .expect(400);
      expect(cleared.body.errors).toEqual([{ field: 'subject', message: 'subject cannot be cleared' }]);
      // the gateway's form: the version in the body
      await sut.http().patch(`/internal/v1/tickets/${id}`).set(agent).send({ priority: 'low', version: 1 }).expect(412);
      // Neither If-Match nor version: the change applies to the current version.
      const unconditional = await sut
        .http()
        .patch(`/internal/v1/tickets/${id}`)
        .set(agent)
        .send({ priority: 'high' })
        .expect(200);
      expect(unconditional.headers['etag']).toBe('"3"');

      const history = await sut.http().get(`/internal/v1/tickets/${id}/history`).set(agent).expect(200);
      expect(history.body.items[1]).toMatchObject({
        kind: 'updated',
        changedFields: ['subject', 'priority', 'category'],
      });
      expect((await outboxOf(id)).map((e) => e.type)).toEqual([
        'rapport.service-desk.ticket.created.v1',
        'rapport.service-desk.ticket.updated.v1',
        'rapport.service-desk.ticket.updated.v1',
      ]);
    });
  });

  describe('row level', () => {
    it('shows an agent the tickets assigned to them and the unassigned ones of their team; a manager the team’s; admins all', async () => {
      const customerId = await knownCustomer();
      const pool = await open(TEST_CALLERS.agent1, customerId);
      const toOther = await open(TEST_CALLERS.agent1, customerId, { assignee: 'agent9' });
      const toAgent1 = await open(TEST_CALLERS.manager, customerId, { assignee: 'agent1' });
      const south = await open(TEST_CALLERS.admin, customerId, { team: 'south' });

      const seenBy = async (caller: TestCaller) =>
        (
          await sut
            .http()
            .get('/internal/v1/tickets')
            .query({ customerId })
            .set(await sut.as(caller))
            .expect(200)
        ).body.items.map((t: { id: string }) => t.id) as string[];

      expect(new Set(await seenBy(TEST_CALLERS.agent1))).toEqual(new Set([pool.id, toAgent1.id]));
      expect(new Set(await seenBy(TEST_CALLERS.manager))).toEqual(new Set([pool.id, toOther.id, toAgent1.id]));
      expect(await seenBy(southManager)).toEqual([south.id]);
      // agent2 is of team south: its pool is the one unassigned ticket there.
      expect(await seenBy(TEST_CALLERS.agent2)).toEqual([south.id]);
      expect(new Set(await seenBy(TEST_CALLERS.admin))).toEqual(new Set([pool.id, toOther.id, toAgent1.id, south.id]));

      // Another's ticket is not found, for reads and writes alike.
      await sut
        .http()
        .get(`/internal/v1/tickets/${toOther.id}`)
        .set(await sut.as(TEST_CALLERS.agent1))
        .expect(404);
      await sut
        .http()
        .get(`/internal/v1/tickets/${pool.id}`)
        .set(await sut.as(TEST_CALLERS.agent2))
        .expect(404);
      expect((await move(TEST_CALLERS.agent2, pool.id, 'acknowledged')).status).toBe(404);
      await sut
        .http()
        .get(`/internal/v1/tickets/${pool.id}/history`)
        .set(await sut.as(TEST_CALLERS.agent2))
        .expect(404);
    });

    it('checks the caller itself: no identity is 401, a role without tickets:read is 403', async () => {
      const anonymous = await sut.http().get('/internal/v1/tickets').expect(401);
      expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
      await sut
        .http()
        .get('/internal/v1/tickets')
        .set(await sut.as(TEST_CALLERS.analyst))
        .expect(403);
      await sut
        .http()
        .post('/internal/v1/tickets')
        .set(await sut.as(integration))
        .send(ticketRequest(randomUUID()))
        .expect(403);
    });

    it('masks the customer’s words for a caller without pii:read', async () => {
      const customerId = await knownCustomer();
      const { id } = await open(TEST_CALLERS.agent1, customerId);
      const masked = await sut
        .http()
        .get(`/internal/v1/tickets/${id}`)
        .set(await sut.as(integration))
        .expect(200);
      expect(masked.body.subject).toMatch(/^O\*+$/);
      expect(masked.body.description).not.toContain('kettle');
    });
  });

  describe('lists', () => {
    it('pages by the earliest SLA due time with an opaque cursor, filtered; a cursor of something else is 400', async () => {
      const customerId = await knownCustomer();
      const times = ['2026-11-01T08:00:00Z', '2026-11-03T08:00:00Z', '2026-11-02T08:00:00Z'];
      const ids: string[] = [];
      for (const receivedAt of times) ids.push((await open(TEST_CALLERS.agent1, customerId, { receivedAt })).id);
      await open(TEST_CALLERS.agent1, customerId, { type: 'inquiry', receivedAt: '2026-11-04T08:00:00Z' });
      const caller = await sut.as(TEST_CALLERS.agent1);
      const first = await sut
        .http()
        .get('/internal/v1/tickets')
        .query({ customerId, type: 'complaint', status: 'received', limit: 2 })
        .set(caller)
        .expect(200);
      // the same targets: the earliest received is due first (1 November is a Sunday: its clock starts on Monday)
      expect(first.body.items.map((t: { id: string }) => t.id)).toEqual([ids[0], ids[2]]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await sut
        .http()
        .get('/internal/v1/tickets')
        .query({ customerId, type: 'complaint', status: 'received', limit: 2, cursor: first.body.nextCursor })
        .set(caller)
        .expect(200);
      expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[1] })], nextCursor: null });
      const bad = await sut.http().get('/internal/v1/tickets').query({ cursor: 'abc' }).set(caller).expect(400);
      expect(bad.body.errors[0].field).toBe('cursor');
    });
  });
});
