import { randomUUID } from 'node:crypto';
import {
  closeServiceTestClients,
  eventually,
  handledBy,
  openServiceTestClients,
  publishCustomerEvents,
  startServiceInProcess,
  TEST_CALLERS,
  type InProcessService,
  type ServiceTestClients,
} from '@rapport/testing';
import { AppModule } from '../app.module';
import { CHINA_STANDARD_CALENDAR_ID } from '../calendars/china-standard';
import { customerCreated } from '../../test/factories/customer-events';
import { ticketRequest } from '../../test/factories/tickets';
import { customerScored, publishTierEvents } from '../../test/factories/tier-events';
import { DEFAULT_SLA_POLICY } from './default-policy';
import { SlaScheduler } from './sla.scheduler';

interface TargetView {
  target: string;
  targetMinutes: number;
  due: string | null;
  state: string;
  elapsedMinutes: number;
  remainingMinutes: number;
  stoppedAt: string | null;
}

/**
 * Medium tier: SLA policies and the SLA of tickets, on china-standard (09:00–12:00, 13:30–18:00 in
 * Shanghai) with the default policy the migration seeds, against the stack's PostgreSQL. The scheduler's
 * tick is called directly with a `now` in the future rather than waited for.
 */
describe('SLA in service-desk (in process)', () => {
  let sut: InProcessService;
  let clients: ServiceTestClients;

  beforeAll(async () => {
    clients = await openServiceTestClients();
    sut = await startServiceInProcess('service-desk', AppModule);
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
    await closeServiceTestClients(clients);
  });

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

  const open = async (customerId: string, overrides = {}) =>
    (
      await sut
        .http()
        .post('/internal/v1/tickets')
        .set(await sut.as(TEST_CALLERS.admin))
        .send(ticketRequest(customerId, { team: 'north', ...overrides }))
        .expect(201)
    ).body as { id: string; version: number };

  const slaOf = async (id: string) =>
    (
      await sut
        .http()
        .get(`/internal/v1/tickets/${id}/sla`)
        .set(await sut.as(TEST_CALLERS.admin))
        .expect(200)
    ).body as {
      policyVersion: number;
      calendarId: string;
      targets: TargetView[];
      pauses: Array<{ reason: string; from: string; to: string | null }>;
      overrides: Array<{ date: string; kind: string }>;
    };
  const target = (sla: { targets: TargetView[] }, kind: string) => sla.targets.find((t) => t.target === kind)!;

  const move = async (id: string, to: string) =>
    sut
      .http()
      .post(`/internal/v1/tickets/${id}/transitions`)
      .set(await sut.as(TEST_CALLERS.admin))
      .send({ to })
      .expect(200);

  const scheduler = (service: InProcessService) => service.app.get(SlaScheduler);

  describe('the policy', () => {
    it('reads the seeded default and refuses a policy without a fallback cell or on an unknown calendar (422), a bad tier (400), a non-admin (403)', async () => {
      const read = await sut
        .http()
        .get('/internal/v1/sla-policies')
        .set(await sut.as(TEST_CALLERS.agent1))
        .expect(200);
      expect(read.body).toMatchObject({ calendarId: CHINA_STANDARD_CALENDAR_ID, version: expect.any(Number) });
      expect(read.headers['etag']).toBe(`"${read.body.version}"`);
      const admin = await sut.as(TEST_CALLERS.admin);
      const noFallback = {
        ...DEFAULT_SLA_POLICY,
        targets: DEFAULT_SLA_POLICY.targets.filter((t) => !(t.priority === 'low' && t.tier === 'none')),
      };
      const missing = await sut.http().put('/internal/v1/sla-policies').set(admin).send(noFallback).expect(422);
      expect(missing.body).toMatchObject({ code: 'invalid-sla-policy', errors: [{ field: 'targets' }] });
      const unknown = await sut
        .http()
        .put('/internal/v1/sla-policies')
        .set(admin)
        .send({ ...DEFAULT_SLA_POLICY, calendarId: randomUUID() })
        .expect(422);
      expect(unknown.body).toMatchObject({ code: 'calendar-unknown', errors: [{ field: 'calendarId' }] });
      const badTier = {
        ...DEFAULT_SLA_POLICY,
        targets: [{ ...DEFAULT_SLA_POLICY.targets[0]!, tier: 'D' }],
      };
      await sut.http().put('/internal/v1/sla-policies').set(admin).send(badTier).expect(400);
      await sut
        .http()
        .put('/internal/v1/sla-policies')
        .set(await sut.as(TEST_CALLERS.manager))
        .send(DEFAULT_SLA_POLICY)
        .expect(403);
      // the same document again writes nothing; a stale If-Match is 412
      const same = await sut
        .http()
        .put('/internal/v1/sla-policies')
        .set(admin)
        .send({ calendarId: read.body.calendarId, targets: read.body.targets, escalations: read.body.escalations })
        .expect(200);
      expect(same.body.version).toBe(read.body.version);
      await sut
        .http()
        .put('/internal/v1/sla-policies')
        .set({ ...admin, 'if-match': `"${read.body.version + 5}"` })
        .send(DEFAULT_SLA_POLICY)
        .expect(412);
    });

    it('a new version is applied to open tickets by the next tick (the bulk recompute)', async () => {
      const customerId = await knownCustomer();
      const ticket = await open(customerId, { priority: 'urgent', receivedAt: '2026-02-13T17:00:00+08:00' });
      const admin = await sut.as(TEST_CALLERS.admin);
      const before = (await sut.http().get('/internal/v1/sla-policies').set(admin).expect(200)).body;
      const tighter = {
        ...DEFAULT_SLA_POLICY,
        targets: DEFAULT_SLA_POLICY.targets.map((t) =>
          t.priority === 'urgent' && t.tier === 'none' ? { ...t, firstResponseMinutes: 10 } : t,
        ),
      };
      try {
        const put = await sut.http().put('/internal/v1/sla-policies').set(admin).send(tighter).expect(200);
        expect(put.body.version).toBe(before.version + 1);
        const { recomputed } = await scheduler(sut).tick(new Date());
        expect(recomputed).toBeGreaterThan(0);
        const sla = await slaOf(ticket.id);
        expect(sla.policyVersion).toBe(put.body.version);
        expect(target(sla, 'first-response')).toMatchObject({
          targetMinutes: 10,
          due: '2026-02-13T17:10:00+08:00',
        });
      } finally {
        await sut.http().put('/internal/v1/sla-policies').set(admin).send(DEFAULT_SLA_POLICY).expect(200);
        await scheduler(sut).tick(new Date());
      }
    });
  });

  describe('a ticket', () => {
    it('gets its due times on create, across the Spring Festival make-up Saturday, and new ones when its priority changes', async () => {
      const customerId = await knownCustomer();
      const ticket = await open(customerId, { priority: 'high', receivedAt: '2026-02-13T17:00:00+08:00' });
      const sla = await slaOf(ticket.id);
      expect(sla).toMatchObject({ calendarId: CHINA_STANDARD_CALENDAR_ID, pauses: [] });
      // high, no tier: 60 minutes to the first response, 450 (a working day) to the resolution
      expect(target(sla, 'first-response')).toMatchObject({ targetMinutes: 60, due: '2026-02-13T18:00:00+08:00' });
      expect(target(sla, 'resolution')).toMatchObject({
        targetMinutes: 450,
        due: '2026-02-14T17:00:00+08:00',
        state: 'breached',
      });
      expect(sla.overrides).toEqual([expect.objectContaining({ date: '2026-02-14', kind: 'workday' })]);
      // another team's ticket is not there for an agent of team south; a bad id is 400
      await sut
        .http()
        .get(`/internal/v1/tickets/${ticket.id}/sla`)
        .set(await sut.as(TEST_CALLERS.agent2))
        .expect(404);
      await sut
        .http()
        .get('/internal/v1/tickets/not-a-uuid/sla')
        .set(await sut.as(TEST_CALLERS.admin))
        .expect(400);

      await sut
        .http()
        .patch(`/internal/v1/tickets/${ticket.id}`)
        .set(await sut.as(TEST_CALLERS.admin))
        .send({ priority: 'urgent' })
        .expect(200);
      const urgent = await slaOf(ticket.id);
      expect(target(urgent, 'first-response')).toMatchObject({ targetMinutes: 30, due: '2026-02-13T17:30:00+08:00' });
      expect(target(urgent, 'resolution')).toMatchObject({ targetMinutes: 240, due: '2026-02-14T12:00:00+08:00' });
    });

    it('meets the first response with the first reply, pauses pending the customer, stops on resolution and restarts on reopening', async () => {
      const customerId = await knownCustomer();
      const ticket = await open(customerId);
      await sut
        .http()
        .post(`/internal/v1/tickets/${ticket.id}/replies`)
        .set(await sut.as(TEST_CALLERS.admin))
        .send({ text: 'We are looking into it.' })
        .expect(201);
      expect(target(await slaOf(ticket.id), 'first-response').state).toBe('met');

      await move(ticket.id, 'pending-customer');
      const paused = await slaOf(ticket.id);
      expect(target(paused, 'resolution')).toMatchObject({ state: 'paused', due: null });
      expect(paused.pauses).toEqual([expect.objectContaining({ reason: 'pending-customer', to: null })]);
      const pending = await clients.db.query(
        `SELECT 1 FROM service_desk.sla_timers WHERE ticket_id = $1 AND fired_at IS NULL`,
        [ticket.id],
      );
      expect(pending.rowCount).toBe(0);

      await move(ticket.id, 'investigating');
      const resumed = await slaOf(ticket.id);
      expect(target(resumed, 'resolution')).toMatchObject({ state: 'running', due: expect.any(String) });
      expect(resumed.pauses).toEqual([expect.objectContaining({ reason: 'pending-customer', to: expect.any(String) })]);

      await move(ticket.id, 'resolved');
      const resolved = target(await slaOf(ticket.id), 'resolution');
      expect(resolved).toMatchObject({ state: 'met', stoppedAt: expect.any(String) });

      await move(ticket.id, 'reopened');
      const reopened = await slaOf(ticket.id);
      expect(target(reopened, 'resolution')).toMatchObject({ state: 'running', stoppedAt: null });
      expect(reopened.pauses.map((p) => [p.reason, p.to !== null])).toEqual([
        ['pending-customer', true],
        ['resolved', true],
      ]);
    });
  });

  describe('a customer', () => {
    it("moves their open tickets to another cell when their tier changes (value tier A: a VIP's targets)", async () => {
      const customerId = await knownCustomer();
      const ticket = await open(customerId, { receivedAt: '2026-02-13T17:00:00+08:00' });
      expect(target(await slaOf(ticket.id), 'first-response').targetMinutes).toBe(240);
      const score = customerScored(customerId, 'A');
      await publishTierEvents(clients.producer, score);
      await handledBy(clients.db, 'service_desk', score);
      const sla = await slaOf(ticket.id);
      expect(sla).toMatchObject({ tier: 'VIP' });
      expect(target(sla, 'first-response')).toMatchObject({ targetMinutes: 60, due: '2026-02-13T18:00:00+08:00' });
    });
  });

  describe('the scheduler', () => {
    it('fires each level once when two replicas tick at once: warnings, breaches, the lead and a raised priority', async () => {
      const other = await startServiceInProcess('service-desk', AppModule);
      try {
        const customerId = await knownCustomer();
        const ticket = await open(customerId);
        const resolutionDue = new Date(target(await slaOf(ticket.id), 'resolution').due!);
        const later = new Date(resolutionDue.getTime() + 60_000);
        await Promise.all([scheduler(sut).tick(later), scheduler(other).tick(later)]);
        await Promise.all([scheduler(sut).tick(later), scheduler(other).tick(later)]);

        const events = await clients.db.query<{ event_type: string; payload: string }>(
          `SELECT event_type, payload FROM service_desk.outbox
            WHERE payload::jsonb->>'ticketId' = $1 AND event_type NOT LIKE '%.ticket.created.v1' ORDER BY seq`,
          [ticket.id],
        );
        const fired = events.rows.map((r) => {
          const data = JSON.parse(r.payload) as { target?: string; atPercent?: number; action?: string };
          return `${r.event_type.replace('rapport.service-desk.', '')} ${data.target ?? ''} ${data.action ?? ''}`.trim();
        });
        expect([...fired].sort()).toEqual(
          [
            'sla.warning.v1 first-response',
            'sla.warning.v1 resolution',
            'sla.breached.v1 first-response',
            'ticket.escalated.v1 first-response reassign-to-lead',
            'ticket.updated.v1',
            'sla.breached.v1 resolution',
            'ticket.escalated.v1 resolution raise-priority',
            'ticket.updated.v1',
          ].sort(),
        );
        const lead = (
          await clients.db.query<{ lead: string }>(`SELECT lead FROM service_desk.queues WHERE name = 'general'`)
        ).rows[0]!.lead;
        const row = (
          await clients.db.query<{ priority: string; assignee: string }>(
            `SELECT priority, assignee FROM service_desk.tickets WHERE id = $1`,
            [ticket.id],
          )
        ).rows[0]!;
        expect(row).toEqual({ priority: 'high', assignee: lead });
        const history = await sut
          .http()
          .get(`/internal/v1/tickets/${ticket.id}/history`)
          .set(await sut.as(TEST_CALLERS.admin))
          .expect(200);
        expect(
          history.body.items
            .filter((e: { actor: string }) => e.actor === 'sla')
            .map((e: { changedFields: string[] }) => e.changedFields),
        ).toEqual(expect.arrayContaining([['assignee'], ['priority']]));
      } finally {
        await other.stop();
      }
    });
  });

  describe("the team's manager", () => {
    it('names a manager (admins: 201 then 200; others 403; a bad one 400) and reassigns breached tickets to them', async () => {
      const team = `esc-${randomUUID().slice(0, 8)}`;
      const admin = await sut.as(TEST_CALLERS.admin);
      const put = (body: object, caller = admin) => sut.http().put(`/internal/v1/teams/${team}`).set(caller).send(body);
      expect((await put({ manager: 'someone' })).status).toBe(201);
      expect((await put({ manager: `boss-${team}` })).body).toMatchObject({ name: team, manager: `boss-${team}` });
      expect((await put({ manager: 'x' }, await sut.as(TEST_CALLERS.manager))).status).toBe(403);
      expect((await put({})).status).toBe(400);
      expect((await put({ manager: 'has space' })).status).toBe(400);
      await sut
        .http()
        .get(`/internal/v1/teams/${team}`)
        .set(await sut.as(TEST_CALLERS.agent1))
        .expect(200);
      await sut.http().get('/internal/v1/teams/nobody-here').set(admin).expect(404);

      const escalating = {
        ...DEFAULT_SLA_POLICY,
        escalations: [{ atPercent: 100, target: 'resolution', action: 'reassign-to-manager' }],
      };
      try {
        await sut.http().put('/internal/v1/sla-policies').set(admin).send(escalating).expect(200);
        const customerId = await knownCustomer();
        // the general queue (the fallback) keeps the requested team
        const ticket = await open(customerId, { team, assignee: 'agent1' });
        const resolutionDue = new Date(target(await slaOf(ticket.id), 'resolution').due!);
        await scheduler(sut).tick(new Date(resolutionDue.getTime() + 60_000));
        const row = (
          await clients.db.query<{ assignee: string }>(`SELECT assignee FROM service_desk.tickets WHERE id = $1`, [
            ticket.id,
          ])
        ).rows[0]!;
        expect(row.assignee).toBe(`boss-${team}`);
        const escalated = await clients.db.query(
          `SELECT 1 FROM service_desk.outbox WHERE event_type = 'rapport.service-desk.ticket.escalated.v1'
              AND payload::jsonb->>'ticketId' = $1 AND payload::jsonb->>'action' = 'reassign-to-manager'`,
          [ticket.id],
        );
        expect(escalated.rowCount).toBe(1);
      } finally {
        await sut.http().put('/internal/v1/sla-policies').set(admin).send(DEFAULT_SLA_POLICY).expect(200);
        await scheduler(sut).tick(new Date());
      }
    });
  });

  describe('lists', () => {
    it('orders by the earliest due time and filters breached and at-risk tickets', async () => {
      const customerId = await knownCustomer();
      const late = await open(customerId, { receivedAt: '2026-11-02T02:00:00Z' });
      const fresh = await open(customerId);
      const admin = await sut.as(TEST_CALLERS.admin);
      const list = async (query: Record<string, string | number>) =>
        (
          await sut
            .http()
            .get('/internal/v1/tickets')
            .query({ customerId, ...query })
            .set(admin)
            .expect(200)
        ).body as {
          items: Array<{ id: string }>;
          nextCursor: string | null;
        };
      const first = await list({ limit: 1 });
      const second = await list({ limit: 1, cursor: first.nextCursor! });
      expect([...first.items, ...second.items].map((t) => t.id)).toEqual([late.id, fresh.id]);
      expect((await list({ sla: 'breached' })).items.map((t) => t.id)).toEqual([late.id]);
      expect((await list({ sla: 'at-risk' })).items).toEqual([]);

      // a tick a minute before the fresh ticket's first-response due time fires its 75 % warning
      const due = new Date(target(await slaOf(fresh.id), 'first-response').due!);
      await scheduler(sut).tick(new Date(due.getTime() - 60_000));
      expect((await list({ sla: 'at-risk' })).items.map((t) => t.id)).toEqual([fresh.id]);
      await sut.http().get('/internal/v1/tickets').query({ sla: 'late' }).set(admin).expect(400);
    });
  });
});
