import { randomUUID } from 'node:crypto';
import { createEnvelope, CustomerScoredV1, fromBinaryMode, toBinaryMode, Topics } from '@rapport/contracts';
import { adminClient, bearer, collectRecords, customerRequest, eventually, stackInfo, testBus } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * A complaint through the gateway, as a customer-service department's client handles it: received,
 * answered (which acknowledges it), investigated, paused while the customer is asked
 * (pending-customer), resolved, reopened by the customer, resolved again and closed. Every step is in
 * the ticket's history and on the tickets topic, keyed by the customer.
 */
describe('tickets through the gateway', () => {
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

  /** A customer created through the gateway, once service-desk has learned of it from customer.created. */
  const customer = async (): Promise<string> => {
    const id = (
      await gateway()
        .post('/api/v1/customers')
        .query({ force: 'true' })
        .set('authorization', agent1)
        .send(customerRequest())
        .expect(201)
    ).body.id as string;
    await eventually(
      async () =>
        ((await db.query('SELECT 1 FROM service_desk.customer_refs WHERE customer_id = $1', [id])).rowCount ?? 0) === 1,
      20_000,
      'service-desk to know the customer',
    );
    return id;
  };

  const move = async (id: string, to: string, note?: string) =>
    (
      await gateway()
        .post(`/api/v1/tickets/${id}/transitions`)
        .set('authorization', agent1)
        .send({ to, ...(note ? { note } : {}) })
        .expect(200)
    ).body as { status: string; version: number };

  const reply = async (id: string, text: string) =>
    (await gateway().post(`/api/v1/tickets/${id}/replies`).set('authorization', agent1).send({ text }).expect(201))
      .body as { status: string; firstRepliedAt: string | null };

  it('takes a complaint from received to closed, with a pause and a reopening, each step in history and on the topic', async () => {
    const customerId = await customer();
    const bus = testBus();
    const topic = await collectRecords(bus, Topics.tickets.name, (r) => r.key === customerId);
    try {
      const key = `e2e-ticket-${randomUUID()}`;
      const body = {
        customerId,
        type: 'complaint',
        channel: 'wechat',
        subject: '快递破损',
        description: 'The tea set arrived broken; two cups are cracked.',
        priority: 'high',
      };
      const created = await gateway()
        .post('/api/v1/tickets')
        .set('authorization', agent1)
        .set('Idempotency-Key', key)
        .send(body)
        .expect(201);
      expect(created.headers['etag']).toBe('"1"');
      expect(created.body).toMatchObject({ customerId, status: 'received', team: 'north', priority: 'high' });
      const id = created.body.id as string;
      // A retry with the same key answers the first ticket again, without a second one.
      const replayed = await gateway()
        .post('/api/v1/tickets')
        .set('authorization', agent1)
        .set('Idempotency-Key', key)
        .send(body)
        .expect(201);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(replayed.body.id).toBe(id);

      expect(await reply(id, '您好，我们已收到，正在处理。')).toMatchObject({ status: 'acknowledged' });
      await move(id, 'investigating');
      await move(id, 'pending-customer', 'Asked for photos of the cups');
      await move(id, 'investigating', 'Photos received');
      await reply(id, 'A new tea set is on its way.');
      expect(await move(id, 'resolved')).toMatchObject({ status: 'resolved' });

      // Back to acknowledged is not a move of the process: 409 naming what is allowed from resolved.
      const wrong = await gateway()
        .post(`/api/v1/tickets/${id}/transitions`)
        .set('authorization', agent1)
        .send({ to: 'acknowledged' })
        .expect(409);
      expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(wrong.body).toMatchObject({
        type: 'https://rapport.dev/problems/conflict',
        allowed: ['closed', 'reopened'],
        instance: `/api/v1/tickets/${id}/transitions`, // the public path, not the service's internal one
      });

      expect(await move(id, 'reopened', 'One cup of the new set is cracked too')).toMatchObject({ status: 'reopened' });
      await move(id, 'investigating');
      await move(id, 'resolved');
      const closed = await move(id, 'closed');
      expect(closed).toMatchObject({ status: 'closed' });

      const ticket = await gateway().get(`/api/v1/tickets/${id}`).set('authorization', agent1).expect(200);
      expect(ticket.body).toMatchObject({ status: 'closed', reopenedCount: 1, allowedTransitions: [] });
      expect(ticket.body.firstRepliedAt).not.toBeNull();
      expect(ticket.body.closedAt).not.toBeNull();

      const steps = [
        'received→acknowledged',
        'acknowledged→investigating',
        'investigating→pending-customer',
        'pending-customer→investigating',
        'investigating→resolved',
        'resolved→reopened',
        'reopened→investigating',
        'investigating→resolved',
        'resolved→closed',
      ];
      const history = await gateway().get(`/api/v1/tickets/${id}/history`).set('authorization', agent1).expect(200);
      const entries = history.body.items as Array<{ kind: string; fromStatus: string; toStatus: string; text: string }>;
      expect(entries.filter((e) => e.kind === 'transition').map((e) => `${e.fromStatus}→${e.toStatus}`)).toEqual(steps);
      expect(entries.map((e) => e.kind)).toEqual([
        'created',
        'reply',
        'transition',
        'transition',
        'transition',
        'transition',
        'reply',
        'transition',
        'transition',
        'transition',
        'transition',
        'transition',
      ]);
      expect(entries[1]!.text).toBe('您好，我们已收到，正在处理。');

      // On the topic, keyed by the customer, in order: created, the replies and every move.
      await eventually(async () => topic.records.length >= 12, 30_000, 'the ticket events on the topic');
      const events = topic.records.map((r) => fromBinaryMode(r.headers, r.value));
      expect(events.every((e) => (e.data as { ticketId: string }).ticketId === id)).toBe(true);
      expect(
        events
          .filter((e) => e.type === 'rapport.service-desk.ticket.transitioned.v1')
          .map((e) => `${(e.data as { from: string }).from}→${(e.data as { to: string }).to}`),
      ).toEqual(steps);
      expect(events.map((e) => e.type.replace('rapport.service-desk.ticket.', ''))).toEqual([
        'created.v1',
        'replied.v1',
        ...Array<string>(4).fill('transitioned.v1'),
        'replied.v1',
        ...Array<string>(5).fill('transitioned.v1'),
      ]);
      expect(events[1]!.data).toMatchObject({ first: true });
      expect(JSON.stringify(events.map((e) => e.data))).not.toContain('tea set');

      // Reading the customer's words unmasked is audited as a read of the customer's data.
      const audited = await db.query(
        `SELECT action FROM gateway.audit_log WHERE resource_type = 'customer' AND resource_id = $1 AND action LIKE 'ticket.%'`,
        [customerId],
      );
      expect(new Set(audited.rows.map((r: { action: string }) => r.action))).toEqual(
        new Set(['ticket.create', 'ticket.reply', 'ticket.transition', 'ticket.read', 'ticket.history.read']),
      );
    } finally {
      await topic.stop();
      await bus.close();
    }
  });

  it('changes a ticket with its ETag, refuses a stale one with 412, and applies one without If-Match to the current version', async () => {
    const customerId = await customer();
    const created = await gateway()
      .post('/api/v1/tickets')
      .set('authorization', agent1)
      .send({ customerId, type: 'inquiry', channel: 'email', subject: 'Opening hours', description: 'Open on Sunday?' })
      .expect(201);
    const id = created.body.id as string;
    const changed = await gateway()
      .patch(`/api/v1/tickets/${id}`)
      .set('authorization', agent1)
      .set('If-Match', created.headers['etag'] as string)
      .send({ priority: 'low', category: 'store' })
      .expect(200);
    expect(changed.headers['etag']).toBe('"2"');
    // The customer 360 view shows the customer's tickets as the caller may see them.
    const view = await gateway().get(`/api/v1/customers/${customerId}/360`).set('authorization', agent1).expect(200);
    expect(view.body.tickets.items.map((t: { id: string; priority: string }) => [t.id, t.priority])).toEqual([
      [id, 'low'],
    ]);
    await gateway()
      .patch(`/api/v1/tickets/${id}`)
      .set('authorization', agent1)
      .set('If-Match', '"1"')
      .send({ priority: 'high' })
      .expect(412);
    const unconditional = await gateway()
      .patch(`/api/v1/tickets/${id}`)
      .set('authorization', agent1)
      .send({ priority: 'urgent' })
      .expect(200);
    expect(unconditional.headers['etag']).toBe('"3"');
  });

  it('keeps another team’s tickets out of sight and refuses callers without the scope', async () => {
    const customerId = await customer();
    const created = await gateway()
      .post('/api/v1/tickets')
      .set('authorization', agent1)
      .send({ customerId, type: 'feedback', channel: 'web-form', subject: 'Nice shop', description: 'Lovely staff.' })
      .expect(201);
    await gateway()
      .get(`/api/v1/tickets/${created.body.id}`)
      .set('authorization', await bearer('agent2'))
      .expect(404);
    await gateway()
      .get('/api/v1/tickets')
      .set('authorization', await bearer('analyst'))
      .expect(403);
    await gateway().get('/api/v1/tickets').expect(401);
    const bad = await gateway()
      .post('/api/v1/tickets')
      .set('authorization', agent1)
      .send({ customerId, type: 'complaint', channel: 'fax', subject: 'x', description: 'y' })
      .expect(400);
    expect(bad.body.errors[0].field).toBe('channel');
  });

  it("gives a manager the team's figures, counted as the database counts them; an analyst is 403, an inverted window 422", async () => {
    const manager = await bearer('manager');
    const stats = await gateway().get('/api/v1/service-desk/stats').set('authorization', manager).expect(200);
    const [open] = (
      await db.query<{ n: number; received: number }>(
        `SELECT count(*) FILTER (WHERE status NOT IN ('resolved', 'closed'))::int AS n,
                count(*) FILTER (WHERE received_at >= $1 AND received_at < $2)::int AS received
           FROM service_desk.tickets WHERE team = 'north'`,
        [stats.body.from, stats.body.to],
      )
    ).rows;
    expect(open!.n).toBeGreaterThan(0);
    expect(stats.body).toMatchObject({ team: null, open: { total: open!.n }, received: open!.received });
    await gateway()
      .get('/api/v1/service-desk/stats')
      .set('authorization', await bearer('analyst'))
      .expect(403);
    const inverted = await gateway()
      .get('/api/v1/service-desk/stats')
      .query({ from: '2026-12-01T00:00:00Z', to: '2026-11-01T00:00:00Z' })
      .set('authorization', manager)
      .expect(422);
    expect(inverted.body).toMatchObject({ code: 'window-invalid', type: expect.stringMatching(/unprocessable/) });
  });

  describe('routing and satisfaction', () => {
    /** analytics' score as it publishes it: value tier A makes the customer a VIP for service-desk. */
    const scoreA = async (customerId: string) => {
      const event = createEnvelope(CustomerScoredV1, customerId, {
        customerId,
        recency: 5,
        frequency: 5,
        monetary: 5,
        valueTier: 'A',
        churnRisk: 0.05,
        scoredAt: new Date().toISOString(),
      });
      const bus = testBus();
      const producer = bus.producer();
      try {
        await producer.send([{ topic: Topics.scores.name, ...toBinaryMode(event) }]);
      } finally {
        await producer.disconnect();
        await bus.close();
      }
      await eventually(
        async () => (await db.query(`SELECT 1 FROM service_desk.inbox WHERE event_id = $1`, [event.id])).rowCount === 1,
        30_000,
        'service-desk to take the score',
      );
    };

    it('routes a VIP customer’s ticket to the VIP queue and lists it ahead of a newer normal one', async () => {
      const [normal, vip] = await Promise.all([customer(), customer()]);
      await scoreA(vip);
      const body = { type: 'request', channel: 'email', subject: 'Invoice copy', description: 'Please resend it.' };
      const vipTicket = await gateway()
        .post('/api/v1/tickets')
        .set('authorization', agent1)
        .send({ ...body, customerId: vip, receivedAt: new Date(Date.now() - 3_600_000).toISOString() })
        .expect(201);
      expect(vipTicket.body).toMatchObject({ queue: 'vip', vip: true });
      const normalTicket = await gateway()
        .post('/api/v1/tickets')
        .set('authorization', agent1)
        .send({ ...body, customerId: normal })
        .expect(201);
      expect(normalTicket.body).toMatchObject({ queue: 'general', vip: false });

      const admin = await bearer('admin');
      const list = await gateway()
        .get('/api/v1/tickets')
        .query({ type: 'request', status: 'received', limit: 200 })
        .set('authorization', admin)
        .expect(200);
      const ids = list.body.items.map((t: { id: string }) => t.id) as string[];
      expect(ids).toContain(vipTicket.body.id);
      const normalAt = ids.indexOf(normalTicket.body.id);
      expect(ids.indexOf(vipTicket.body.id)).toBeLessThan(normalAt === -1 ? Infinity : normalAt);
      const inVip = await gateway()
        .get('/api/v1/tickets')
        .query({ queue: 'vip', customerId: vip })
        .set('authorization', admin)
        .expect(200);
      expect(inVip.body.items.map((t: { id: string }) => t.id)).toEqual([vipTicket.body.id]);
      const queue = await gateway().get('/api/v1/queues/vip').set('authorization', agent1).expect(200);
      expect(queue.body).toMatchObject({ name: 'vip', vip: true });
    });

    it('takes the customer’s rating once through the public signed link; a forged one is 403', async () => {
      const customerId = await customer();
      const created = await gateway()
        .post('/api/v1/tickets')
        .set('authorization', agent1)
        .send({ customerId, type: 'complaint', channel: 'sms', subject: 'Late parcel', description: 'Still waiting.' })
        .expect(201);
      const id = created.body.id as string;
      for (const to of ['acknowledged', 'investigating', 'resolved']) await move(id, to);
      const link = (await gateway().get(`/api/v1/tickets/${id}`).set('authorization', agent1).expect(200)).body
        .csatLink as string;
      expect(link).toMatch(new RegExp(`^/api/v1/tickets/${id}/csat\\?token=`));

      // no bearer: the token is the authority
      const forged = await gateway()
        .post(link.replace(/token=[^.]+/, 'token=eyJ0IjoiZm9yZ2VkIn0'))
        .send({ rating: 5 })
        .expect(403);
      expect(forged.headers['content-type']).toMatch(/^application\/problem\+json/);
      const rated = await gateway().post(link).send({ rating: 5, comment: 'Arrived, thanks!' }).expect(201);
      expect(rated.body).toMatchObject({ ticketId: id, resolution: 1, rating: 5 });
      await gateway().post(link).send({ rating: 4 }).expect(409);

      const ticket = await gateway().get(`/api/v1/tickets/${id}`).set('authorization', agent1).expect(200);
      expect(ticket.body).toMatchObject({ status: 'resolved', csatLink: null, lastCsat: { resolution: 1, rating: 5 } });
      const view = await gateway().get(`/api/v1/customers/${customerId}/360`).set('authorization', agent1).expect(200);
      expect(view.body.tickets.items[0]).toMatchObject({ id, lastCsat: { rating: 5 } });
      await eventually(
        async () =>
          (
            await db.query(
              `SELECT 1 FROM service_desk.outbox WHERE event_type = 'rapport.service-desk.csat.submitted.v1'
                AND payload::jsonb->>'ticketId' = $1 AND NOT payload::jsonb ? 'comment'`,
              [id],
            )
          ).rowCount === 1,
        10_000,
        'csat.submitted in the outbox',
      );
    });
  });

  describe('SLA', () => {
    it('explains a ticket’s SLA and publishes sla.breached within 30 s of its due time (1-minute targets, always open)', async () => {
      const admin = await bearer('admin');
      const before = (await gateway().get('/api/v1/sla-policies').set('authorization', agent1).expect(200)).body as {
        calendarId: string;
        targets: unknown[];
        escalations: unknown[];
      };
      const allDay = [{ start: '00:00', end: '24:00' }];
      const calendar = await gateway()
        .post('/api/v1/business-calendars')
        .set('authorization', admin)
        .send({
          name: `always-open-${randomUUID().slice(0, 8)}`,
          timeZone: 'Asia/Shanghai',
          weekly: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((day) => [day, allDay])),
        })
        .expect(201);
      const oneMinute = {
        calendarId: calendar.body.id,
        targets: ['low', 'normal', 'high', 'urgent'].map((priority) => ({
          priority,
          tier: 'none',
          firstResponseMinutes: 1,
          resolutionMinutes: 1,
        })),
        escalations: [],
      };
      await gateway().put('/api/v1/sla-policies').set('authorization', agent1).send(oneMinute).expect(403);
      await gateway().put('/api/v1/sla-policies').set('authorization', admin).send(oneMinute).expect(200);
      const customerId = await customer();
      const bus = testBus();
      const topic = await collectRecords(bus, Topics.tickets.name, (r) => r.key === customerId);
      try {
        const receivedAt = new Date(Date.now() - 3_600_000);
        const created = await gateway()
          .post('/api/v1/tickets')
          .set('authorization', agent1)
          .send({
            customerId,
            type: 'complaint',
            channel: 'phone',
            subject: 'Late delivery',
            description: 'Still waiting.',
            receivedAt: receivedAt.toISOString(),
          })
          .expect(201);
        const id = created.body.id as string;
        const sla = await gateway().get(`/api/v1/tickets/${id}/sla`).set('authorization', agent1).expect(200);
        expect(sla.body).toMatchObject({ ticketId: id, calendarId: calendar.body.id, pauses: [], overrides: [] });
        const due = new Date(receivedAt.getTime() + 60_000);
        expect(sla.body.targets).toEqual([
          expect.objectContaining({ target: 'first-response', targetMinutes: 1, state: 'breached' }),
          expect.objectContaining({ target: 'resolution', targetMinutes: 1, state: 'breached' }),
        ]);
        // due at receivedAt + 1 minute, written to the second with the calendar's offset
        expect(Math.abs(new Date(sla.body.targets[0].due).getTime() - due.getTime())).toBeLessThan(1_000);
        expect(sla.body.targets[0].due).toMatch(/\+08:00$/);

        await eventually(
          async () =>
            topic.records
              .map((r) => fromBinaryMode(r.headers, r.value))
              .filter((e) => e.type === 'rapport.service-desk.sla.breached.v1').length >= 2,
          30_000,
          'sla.breached for both targets on the topic',
        );
        const breached = topic.records
          .map((r) => fromBinaryMode(r.headers, r.value))
          .filter((e) => e.type === 'rapport.service-desk.sla.breached.v1');
        expect(breached.map((e) => (e.data as { target: string }).target).sort()).toEqual([
          'first-response',
          'resolution',
        ]);
        const listed = await gateway()
          .get('/api/v1/tickets')
          .query({ customerId, sla: 'breached' })
          .set('authorization', agent1)
          .expect(200);
        expect(listed.body.items.map((t: { id: string }) => t.id)).toEqual([id]);
      } finally {
        await topic.stop();
        await bus.close();
        await gateway()
          .put('/api/v1/sla-policies')
          .set('authorization', admin)
          .send({ calendarId: before.calendarId, targets: before.targets, escalations: before.escalations })
          .expect(200);
      }
    });
  });
});
