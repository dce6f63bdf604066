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
  type TestCaller,
} from '@rapport/testing';
import { AppModule } from '../app.module';
import {
  consentChanged,
  customerCreatedFor,
  customerReleased,
  lifecycleChanged,
  publishPurchase,
  purchaseRecorded,
} from '../../test/factories/customer-events';
import { interactionRequest } from '../../test/factories/interactions';
import { knownCustomer } from '../../test/factories/known-customer';
import { FollowUpCalendar } from '../shared/follow-up-calendar';

interface Enrolment {
  id: string;
  status: string;
  stopReason: string | null;
  followUps: Array<{ id: string; dueAt: string; status: string; stepIndex: number; channel: string }>;
}

/**
 * Medium tier: cadences through interaction's internal API in process; their stop conditions come from
 * the real broker (a purchase, a consent withdrawn, an inbound contact), consumed by the stack's interaction.
 */
describe('cadences (in process)', () => {
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

  const post = async (path: string, body: object, caller: TestCaller = TEST_CALLERS.agent1) =>
    sut
      .http()
      .post(path)
      .set(await sut.as(caller))
      .send(body);
  const get = async (path: string, caller: TestCaller = TEST_CALLERS.agent1) =>
    sut
      .http()
      .get(path)
      .set(await sut.as(caller));
  const winBack = async (stopOn?: string[]) =>
    (
      await post(
        '/internal/v1/cadences',
        {
          name: `win-back-${randomUUID().slice(0, 8)}`,
          description: 'Three contacts over two weeks',
          steps: [
            { dayOffset: 0, channel: 'phone', note: 'Ask how the last order went' },
            { dayOffset: 3, channel: 'email', note: 'Send the loyal-customer coupon' },
            { dayOffset: 10, channel: 'wechat' },
          ],
          ...(stopOn ? { stopOn } : {}),
        },
        TEST_CALLERS.manager,
      )
    ).body as { id: string; name: string };
  const enrolmentOf = async (cadenceId: string, customerId: string) =>
    (
      (await get(`/internal/v1/cadences/${cadenceId}/enrolments?customerId=${customerId}`, TEST_CALLERS.admin)).body
        .items as Enrolment[]
    )[0]!;

  it('plans one follow-up per step, the step’s business days on, and enrols a customer once', async () => {
    const cadence = await winBack();
    const list = await get('/internal/v1/cadences', TEST_CALLERS.analyst);
    expect(list.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: cadence.id, stopOn: ['replied', 'purchased', 'consent-withdrawn'] }),
      ]),
    );
    const customerId = await knownCustomer(clients);
    const before = new Date();
    const enrolled = await post(`/internal/v1/cadences/${cadence.id}/enrolments`, { customerId });
    const after = new Date();
    expect(enrolled.status).toBe(201);
    const enrolment = enrolled.body as Enrolment;
    expect(enrolment).toMatchObject({ status: 'active', stopReason: null, assignee: 'agent1', team: 'north' });
    expect(enrolment.followUps.map((f) => [f.stepIndex, f.channel])).toEqual([
      [0, 'phone'],
      [1, 'email'],
      [2, 'wechat'],
    ]);
    // three business days of 7.5 working hours (China's office hours) after the enrolment
    const calendar = sut.app.get(FollowUpCalendar);
    const dueOf = (step: number) => new Date(enrolment.followUps[step]!.dueAt).getTime();
    expect(dueOf(1)).toBeGreaterThanOrEqual(calendar.addBusinessMinutes(before, 3 * 450).getTime());
    expect(dueOf(1)).toBeLessThanOrEqual(calendar.addBusinessMinutes(after, 3 * 450).getTime());
    expect(dueOf(0)).toBeLessThanOrEqual(after.getTime());

    const again = await post(`/internal/v1/cadences/${cadence.id}/enrolments`, { customerId });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'already-enrolled' });
    const mine = await get(`/internal/v1/follow-ups?assignee=me&customerId=${customerId}`);
    expect(mine.body.items).toHaveLength(3);
  });

  it('stops when the customer buys: the open follow-ups go, the done ones stay', async () => {
    const cadence = await winBack();
    const customerId = await knownCustomer(clients);
    const enrolment = (await post(`/internal/v1/cadences/${cadence.id}/enrolments`, { customerId })).body as Enrolment;
    const first = enrolment.followUps[0]!;
    expect((await post(`/internal/v1/follow-ups/${first.id}/complete`, { direction: 'outbound' })).status).toBe(200);

    const purchase = purchaseRecorded(customerId);
    await publishPurchase(clients.producer, purchase);
    await handledBy(clients.db, 'interaction', purchase);

    const stopped = await enrolmentOf(cadence.id, customerId);
    expect(stopped).toMatchObject({ status: 'stopped', stopReason: 'purchased' });
    expect(stopped.followUps.map((f) => [f.id, f.status])).toEqual([[first.id, 'done']]);
    const timers = await clients.db.query(
      `SELECT count(*)::int AS n FROM interaction.follow_up_timers WHERE follow_up_id = ANY($1::uuid[])`,
      [enrolment.followUps.slice(1).map((f) => f.id)],
    );
    expect(timers.rows).toEqual([{ n: 0 }]);
    // stopped, it may run again
    expect((await post(`/internal/v1/cadences/${cadence.id}/enrolments`, { customerId })).status).toBe(201);
  });

  it('stops when the customer replies or withdraws marketing consent, unless the cadence does not stop on it', async () => {
    const replies = await winBack();
    const keepsGoing = await winBack(['purchased']);
    const customerId = await knownCustomer(clients);
    await post(`/internal/v1/cadences/${replies.id}/enrolments`, { customerId });
    await post(`/internal/v1/cadences/${keepsGoing.id}/enrolments`, { customerId });

    // an outbound call is not a reply
    await post(`/internal/v1/customers/${customerId}/interactions`, interactionRequest({ direction: 'outbound' }));
    const inbound = await post(
      `/internal/v1/customers/${customerId}/interactions`,
      interactionRequest({ direction: 'inbound', channel: 'wechat' }),
    );
    expect(inbound.status).toBe(201);
    await eventually(
      async () => (await enrolmentOf(replies.id, customerId)).status === 'stopped',
      20_000,
      'the reply to stop the cadence',
    );
    expect(await enrolmentOf(replies.id, customerId)).toMatchObject({ stopReason: 'replied', followUps: [] });
    const other = await knownCustomer(clients);
    await post(`/internal/v1/cadences/${replies.id}/enrolments`, { customerId: other });
    const service = consentChanged(other, false, 'service');
    const marketing = consentChanged(other, false, 'marketing');
    await publishCustomerEvents(clients.producer, service, marketing);
    await handledBy(clients.db, 'interaction', marketing);
    expect(await enrolmentOf(replies.id, other)).toMatchObject({ status: 'stopped', stopReason: 'consent-withdrawn' });
    expect(await enrolmentOf(keepsGoing.id, customerId)).toMatchObject({ status: 'active', stopReason: null });
  });

  it('starts a win-back for the customer’s owner when the customer becomes at risk, once, and stops it when they buy', async () => {
    const name = `at-risk-${randomUUID().slice(0, 8)}`;
    const created = await post(
      '/internal/v1/cadences',
      {
        name,
        steps: [
          { dayOffset: 0, channel: 'phone', note: 'Ask what went wrong' },
          { dayOffset: 2, channel: 'email' },
        ],
        trigger: 'lifecycle:at_risk',
      },
      TEST_CALLERS.manager,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, trigger: 'lifecycle:at_risk' });
    const cadenceId = created.body.id as string;

    const customerId = randomUUID();
    const pooled = randomUUID();
    await publishCustomerEvents(
      clients.producer,
      customerCreatedFor(customerId, 'agent2', 'south'),
      customerCreatedFor(pooled, 'agent2', 'south'),
      customerReleased(pooled, 'agent2', 'south'),
    );
    const toActive = lifecycleChanged(customerId, null, 'active');
    const atRisk = lifecycleChanged(customerId, 'active', 'at_risk');
    const again = lifecycleChanged(customerId, 'at_risk', 'at_risk');
    const pooledAtRisk = lifecycleChanged(pooled, 'active', 'at_risk');
    await publishCustomerEvents(clients.producer, toActive, atRisk, again, pooledAtRisk);
    await handledBy(clients.db, 'interaction', again);
    await handledBy(clients.db, 'interaction', pooledAtRisk);

    const enrolments = (await get(`/internal/v1/cadences/${cadenceId}/enrolments`, TEST_CALLERS.admin)).body
      .items as Array<Enrolment & { customerId: string; assignee: string }>;
    expect(enrolments.map((e) => [e.customerId, e.assignee, e.status])).toEqual([[customerId, 'agent2', 'active']]);
    expect(enrolments[0]!.followUps.map((f) => f.channel)).toEqual(['phone', 'email']);
    // agent2 works it; agent1 does not see it
    expect(
      (await get(`/internal/v1/follow-ups?assignee=me&customerId=${customerId}`, TEST_CALLERS.agent2)).body.items,
    ).toHaveLength(2);
    expect((await get(`/internal/v1/cadences/${cadenceId}/enrolments`, TEST_CALLERS.agent1)).body.items).toEqual([]);

    const purchase = purchaseRecorded(customerId);
    await publishPurchase(clients.producer, purchase);
    await handledBy(clients.db, 'interaction', purchase);
    expect(await enrolmentOf(cadenceId, customerId)).toMatchObject({
      status: 'stopped',
      stopReason: 'purchased',
      followUps: [],
    });
  });

  it('refuses a taken name (409), bad steps (400), an unknown cadence (404) or customer (422), and writers without the scope (403)', async () => {
    const cadence = await winBack();
    const taken = await post('/internal/v1/cadences', {
      name: cadence.name,
      steps: [{ dayOffset: 1, channel: 'sms' }],
    });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'cadence-name-taken' });
    expect((await post('/internal/v1/cadences', { name: 'no-steps', steps: [] })).status).toBe(400);
    expect(
      (await post('/internal/v1/cadences', { name: 'Bad Name', steps: [{ dayOffset: 1, channel: 'sms' }] })).status,
    ).toBe(400);
    expect(
      (await post('/internal/v1/cadences', { name: 'negative', steps: [{ dayOffset: -1, channel: 'sms' }] })).status,
    ).toBe(400);
    expect(
      (
        await post('/internal/v1/cadences', {
          name: 'odd-stop',
          steps: [{ dayOffset: 1, channel: 'sms' }],
          stopOn: ['never'],
        })
      ).status,
    ).toBe(400);
    const unknown = await post(`/internal/v1/cadences/${randomUUID()}/enrolments`, { customerId: randomUUID() });
    expect(unknown.status).toBe(404);
    const stranger = await post(`/internal/v1/cadences/${cadence.id}/enrolments`, { customerId: randomUUID() });
    expect(stranger.status).toBe(422);
    expect(stranger.body).toMatchObject({ code: 'customer-unknown' });
    expect(
      (
        await post(
          '/internal/v1/cadences',
          { name: 'analyst', steps: [{ dayOffset: 1, channel: 'sms' }] },
          TEST_CALLERS.analyst,
        )
      ).status,
    ).toBe(403);
  });
});
