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

const DAY_MS = 86_400_000;

/**
 * Medium tier: the team stats against a hand count. Every ticket goes to a team of its own (a queue that
 * matches a category of its own), so the figures are this test's alone. Tickets received "now" and
 * answered at once meet their targets; tickets received 20 days ago miss them on any calendar.
 */
describe('service-desk team stats (in process)', () => {
  let sut: InProcessService;
  let clients: ServiceTestClients;
  const team = `stats-${randomUUID().slice(0, 8)}`;
  const category = `cat-${team}`;
  const teamManager: TestCaller = { sub: `manager-${team}`, roles: ['manager'], team };
  const teamAgent: TestCaller = { sub: `agent-${team}`, roles: ['agent'], team };
  let customerId: string;

  beforeAll(async () => {
    clients = await openServiceTestClients();
    sut = await startServiceInProcess('service-desk', AppModule);
    customerId = randomUUID();
    await publishCustomerEvents(clients.producer, customerCreated(customerId));
    await eventually(
      async () =>
        ((await clients.db.query('SELECT 1 FROM service_desk.customer_refs WHERE customer_id = $1', [customerId]))
          .rowCount ?? 0) === 1,
      20_000,
      'service-desk to know the customer',
    );
    await sut
      .http()
      .put(`/internal/v1/queues/${team}`)
      .set(await sut.as(TEST_CALLERS.admin))
      .send({ team, members: [], assignment: 'manual', match: { categories: [category] }, priority: 1 })
      .expect(201);
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
    await closeServiceTestClients(clients);
  });

  const admin = () => sut.as(TEST_CALLERS.admin);

  const open = async (receivedDaysAgo = 0) => {
    const receivedAt = receivedDaysAgo ? new Date(Date.now() - receivedDaysAgo * DAY_MS).toISOString() : undefined;
    const created = await sut
      .http()
      .post('/internal/v1/tickets')
      .set(await admin())
      .send(ticketRequest(customerId, { team, category, ...(receivedAt ? { receivedAt } : {}) }))
      .expect(201);
    expect(created.body).toMatchObject({ team, queue: team });
    return created.body.id as string;
  };
  const reply = async (id: string) =>
    sut
      .http()
      .post(`/internal/v1/tickets/${id}/replies`)
      .set(await admin())
      .send({ text: 'We are on it.' })
      .expect(201);
  const move = async (id: string, to: string) =>
    sut
      .http()
      .post(`/internal/v1/tickets/${id}/transitions`)
      .set(await admin())
      .send({ to })
      .expect(200);
  const rate = async (id: string, rating: number) => {
    const ticket = await sut
      .http()
      .get(`/internal/v1/tickets/${id}`)
      .set(await admin())
      .expect(200);
    await sut
      .http()
      .post((ticket.body.csatLink as string).replace('/api/v1/', '/internal/v1/'))
      .send({ rating })
      .expect(201);
  };
  const stats = async (caller: TestCaller, query = '', status = 200) =>
    sut
      .http()
      .get(`/internal/v1/stats${query}`)
      .set(await sut.as(caller))
      .expect(status);

  it('counts the backlog, SLA compliance, medians and CSAT as a hand count does', async () => {
    // answered at once, resolved, rated 5: both targets met
    const quick = await open();
    await reply(quick);
    await move(quick, 'investigating');
    await move(quick, 'resolved');
    await rate(quick, 5);
    // answered at once, still open (acknowledged by the reply)
    const answered = await open();
    await reply(answered);
    // 20 days old, answered now and resolved: both targets missed
    const late = await open(20);
    await reply(late);
    await move(late, 'investigating');
    await move(late, 'resolved');
    // 20 days old and never answered: both missed, open
    const forgotten = await open(20);
    // new and waiting for the customer: pending
    const waiting = await open();
    await move(waiting, 'acknowledged');
    await move(waiting, 'pending-customer');
    // resolved without a reply (a duplicate): no first-response target; rated 3
    const duplicate = await open();
    for (const to of ['acknowledged', 'investigating', 'resolved']) await move(duplicate, to);
    await rate(duplicate, 3);

    const response = await stats(teamManager, `?team=${team}`);
    expect(response.body).toMatchObject({
      team,
      open: {
        total: 3,
        byStatus: { received: 1, acknowledged: 1, investigating: 0, 'pending-customer': 1, reopened: 0 },
        breached: 1,
      },
      received: 6,
      // met: quick, answered; missed: late, forgotten; pending: waiting; duplicate not counted
      firstResponse: { met: 2, breached: 2, pending: 1, compliancePercent: 50 },
      // met: quick, duplicate; missed: late, forgotten; pending: answered, waiting
      resolution: { met: 2, breached: 2, pending: 2, compliancePercent: 50 },
      csat: { responses: 2, averageRating: 4, satisfiedPercent: 50 },
    });
    // the first replies of quick and answered came within seconds; late's after 20 days
    expect(response.body.firstResponse.medianBusinessMinutes).toBeLessThanOrEqual(0.2);
    expect(response.body.open.oldestReceivedAt).toBe(
      (
        await sut
          .http()
          .get(`/internal/v1/tickets/${forgotten}`)
          .set(await admin())
      ).body.receivedAt,
    );
    // the median age of the three open ones is the age of the middle one (received just now)
    expect(response.body.open.medianAgeMinutes).toBeLessThan(5);

    // the default window is the last 30 days, and an admin sees the team the same way
    const byAdmin = await stats(TEST_CALLERS.admin, `?team=${team}`);
    expect(byAdmin.body.firstResponse).toEqual(response.body.firstResponse);
    // a window that ends before the old tickets came in holds none of them
    const before = new Date(Date.now() - 25 * DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z');
    const empty = await stats(teamManager, `?team=${team}&to=${before}`);
    expect(empty.body).toMatchObject({
      received: 0,
      firstResponse: { met: 0, breached: 0, compliancePercent: null, medianBusinessMinutes: null },
      csat: { responses: 0, averageRating: null, satisfiedPercent: null },
      // the backlog is now, whatever the window
      open: { total: 3 },
    });
  });

  it("shows an agent only their tickets and their team's unassigned ones", async () => {
    // every open ticket of this team is unassigned (a manual queue): the agent's pool
    expect((await stats(teamAgent)).body.open).toMatchObject({ total: 3, breached: 1 });
    // the breached one given to someone else leaves the agent's figures, not the manager's
    const forgotten = (
      await sut
        .http()
        .get(`/internal/v1/tickets?sla=breached&queue=${team}`)
        .set(await admin())
        .expect(200)
    ).body.items[0].id as string;
    await sut
      .http()
      .patch(`/internal/v1/tickets/${forgotten}`)
      .set(await admin())
      .send({ assignee: `other-${team}` })
      .expect(200);
    expect((await stats(teamAgent)).body.open).toMatchObject({ total: 2, breached: 0 });
    expect((await stats(teamManager)).body.open).toMatchObject({ total: 3, breached: 1 });
    const asAgent2 = await stats(TEST_CALLERS.agent2, `?team=${team}`, 422);
    expect(asAgent2.body).toMatchObject({ code: 'team-not-yours', errors: [{ field: 'team' }] });
  });

  it('refuses a window that is empty or longer than 366 days (422), and a malformed instant (400)', async () => {
    const inverted = await stats(teamManager, '?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z', 422);
    expect(inverted.body).toMatchObject({ code: 'window-invalid', errors: [{ field: 'from' }] });
    const long = await stats(teamManager, '?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 422);
    expect(long.body).toMatchObject({ code: 'window-invalid' });
    const malformed = await stats(teamManager, '?from=yesterday', 400);
    expect(malformed.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});
