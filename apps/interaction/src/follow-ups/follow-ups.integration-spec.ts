import { FollowUpDueV1, Topics } from '@rapport/contracts';
import { addBusinessMinutes, chinaOfficialDataYears, chinaStandardCalendar } from '@rapport/platform-business-calendar';
import {
  closeServiceTestClients,
  collectRecords,
  eventually,
  openServiceTestClients,
  startServiceInProcess,
  TEST_CALLERS,
  type InProcessService,
  type ServiceTestClients,
  type TestCaller,
} from '@rapport/testing';
import { AppModule } from '../app.module';
import { followUpRequest } from '../../test/factories/interactions';
import { knownCustomer } from '../../test/factories/known-customer';
import { calendarDate } from './follow-ups.service';
import { FollowUpsScheduler } from './follow-ups.scheduler';

interface FollowUp {
  id: string;
  customerId: string;
  assignee: string;
  team: string | null;
  dueAt: string;
  remindAt: string;
  status: string;
  snoozeCount: number;
  completedAt: string | null;
  interactionId: string | null;
}

const DUE = 'rapport.interaction.follow-up.due.v1';
const OVERDUE = 'rapport.interaction.follow-up.overdue.v1';
const at = (iso: string) => new Date(iso);

/**
 * Medium tier: follow-ups on the default calendar (China's office hours: 09:00–12:00 and 13:30–18:00 in
 * Shanghai, 30 business minutes of reminder), in process against the stack's PostgreSQL and Kafka. The
 * scheduler's tick is called with a `now` in the future rather than waited for; two in-process instances
 * stand for two replicas.
 */
describe('follow-ups (in process)', () => {
  let sut: InProcessService;
  let replica: InProcessService;
  let clients: ServiceTestClients;

  beforeAll(async () => {
    clients = await openServiceTestClients();
    sut = await startServiceInProcess('interaction', AppModule);
    replica = await startServiceInProcess('interaction', AppModule);
  }, 90_000);

  afterAll(async () => {
    await sut?.stop();
    await replica?.stop();
    await closeServiceTestClients(clients);
  });

  const create = async (body: object, caller: TestCaller = TEST_CALLERS.agent1) =>
    sut
      .http()
      .post('/internal/v1/follow-ups')
      .set(await sut.as(caller))
      .send(body);
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
  /** The events written for the customer, oldest first. */
  const events = async (customerId: string, type?: string) =>
    (
      await clients.db.query(
        `SELECT event_type, payload FROM interaction.outbox WHERE message_key = $1 AND ($2::text IS NULL OR event_type = $2)
          ORDER BY seq`,
        [customerId, type ?? null],
      )
    ).rows.map((r: { event_type: string; payload: string }) => ({ type: r.event_type, ...JSON.parse(r.payload) }));
  const tick = (service: InProcessService, now: Date) => service.app.get(FollowUpsScheduler).tick(now);

  it('fires the reminder 30 business minutes before the due time and overdue at it, each once, across two replicas', async () => {
    const customerId = await knownCustomer(clients);
    // Wednesday 09:15: 30 business minutes before it is Tuesday 17:45 (the night does not count)
    const created = await create(followUpRequest(customerId, '2027-03-10T09:15:00+08:00'));
    expect(created.status).toBe(201);
    const followUp = created.body as FollowUp;
    expect(followUp).toMatchObject({
      customerId,
      assignee: 'agent1',
      team: 'north',
      status: 'open',
      dueAt: '2027-03-10T01:15:00.000Z',
      remindAt: at('2027-03-09T17:45:00+08:00').toISOString(),
      note: followUpRequest(customerId, '').note,
    });
    expect(await events(customerId)).toEqual([
      expect.objectContaining({ type: 'rapport.interaction.follow-up.created.v1', followUpId: followUp.id }),
    ]);

    const kafka = await collectRecords(
      clients.bus,
      Topics.interactions.name,
      (r) => r.key === customerId && r.headers['ce_type'] === FollowUpDueV1.type,
    );
    try {
      await tick(sut, at('2027-03-09T17:44:59.999+08:00'));
      expect(await events(customerId, DUE)).toEqual([]);
      // both replicas tick at the instant: one of them fires it
      await Promise.all([tick(sut, at('2027-03-09T17:45:00+08:00')), tick(replica, at('2027-03-09T17:45:00+08:00'))]);
      await tick(replica, at('2027-03-10T09:14:59+08:00'));
      expect(await events(customerId, DUE)).toEqual([
        expect.objectContaining({
          followUpId: followUp.id,
          dueAt: '2027-03-10T01:15:00.000Z',
          remindAt: at('2027-03-09T17:45:00+08:00').toISOString(),
          assignee: 'agent1',
        }),
      ]);
      expect(await events(customerId, OVERDUE)).toEqual([]);
      await eventually(async () => kafka.records.length === 1, 30_000, 'the reminder on the interactions topic');
    } finally {
      await kafka.stop();
    }

    await Promise.all([tick(sut, at('2027-03-10T09:15:00+08:00')), tick(replica, at('2027-03-10T09:15:00+08:00'))]);
    await tick(sut, at('2027-03-12T00:00:00+08:00'));
    expect(await events(customerId, OVERDUE)).toEqual([
      expect.objectContaining({ followUpId: followUp.id, dueAt: '2027-03-10T01:15:00.000Z' }),
    ]);
    expect(await events(customerId, DUE)).toHaveLength(1);
    const timers = await clients.db.query(
      `SELECT kind, fired_at IS NOT NULL AS fired FROM interaction.follow_up_timers WHERE follow_up_id = $1 ORDER BY kind`,
      [followUp.id],
    );
    expect(timers.rows).toEqual([
      { kind: 'due', fired: true },
      { kind: 'overdue', fired: true },
    ]);
  });

  it('snoozes to a later time (its reminder and overdue then fire for it), or by business minutes, and refuses the ambiguous or past', async () => {
    const customerId = await knownCustomer(clients);
    const followUp = (await create(followUpRequest(customerId, '2027-04-07T10:00:00+08:00'))).body as FollowUp;

    const until = await post(`/internal/v1/follow-ups/${followUp.id}/snooze`, { until: '2027-04-08T13:45:00+08:00' });
    expect(until.status).toBe(200);
    expect(until.body).toMatchObject({
      status: 'snoozed',
      snoozeCount: 1,
      dueAt: at('2027-04-08T13:45:00+08:00').toISOString(),
      // 30 business minutes before 13:45 skips the lunch break (12:00–13:30)
      remindAt: at('2027-04-08T11:45:00+08:00').toISOString(),
    });
    expect(await events(customerId, 'rapport.interaction.follow-up.snoozed.v1')).toEqual([
      expect.objectContaining({ previousDueAt: at('2027-04-07T10:00:00+08:00').toISOString() }),
    ]);
    // the old due time's timers are gone: nothing fires for it
    await tick(sut, at('2027-04-07T23:00:00+08:00'));
    expect(await events(customerId, DUE)).toEqual([]);
    await tick(sut, at('2027-04-08T11:44:59+08:00'));
    expect(await events(customerId, DUE)).toEqual([]);
    await tick(sut, at('2027-04-08T11:45:00+08:00'));
    expect(await events(customerId, DUE)).toEqual([
      expect.objectContaining({ dueAt: at('2027-04-08T13:45:00+08:00').toISOString() }),
    ]);

    const before = new Date();
    const minutes = await post(`/internal/v1/follow-ups/${followUp.id}/snooze`, { businessMinutes: 90 });
    const after = new Date();
    expect(minutes.status).toBe(200);
    const { first, last } = chinaOfficialDataYears();
    const calendar = chinaStandardCalendar({ from: first, to: last });
    const dueAt = at(minutes.body.dueAt as string).getTime();
    expect(dueAt).toBeGreaterThanOrEqual(addBusinessMinutes(calendar, before, 90).getTime());
    expect(dueAt).toBeLessThanOrEqual(addBusinessMinutes(calendar, after, 90).getTime());
    expect(minutes.body.snoozeCount).toBe(2);

    const both = await post(`/internal/v1/follow-ups/${followUp.id}/snooze`, {
      until: '2027-05-01T10:00:00+08:00',
      businessMinutes: 10,
    });
    expect(both.status).toBe(400);
    expect(both.body).toMatchObject({ code: 'snooze-ambiguous', errors: [{ field: 'until' }] });
    expect((await post(`/internal/v1/follow-ups/${followUp.id}/snooze`, {})).status).toBe(400);
    const past = await post(`/internal/v1/follow-ups/${followUp.id}/snooze`, { until: '2026-01-01T10:00:00+08:00' });
    expect(past.status).toBe(422);
    expect(past.body).toMatchObject({ code: 'snooze-in-past', errors: [{ field: 'until' }] });
    expect((await post(`/internal/v1/follow-ups/${followUp.id}/snooze`, { businessMinutes: 0 })).status).toBe(400);
  });

  it('completes a follow-up by recording the contact, linked to it, in the same transaction; nothing fires after, and twice is 409', async () => {
    const customerId = await knownCustomer(clients);
    const followUp = (await create(followUpRequest(customerId, '2027-05-12T16:00:00+08:00', { channel: 'wechat' })))
      .body as FollowUp;
    const done = await post(`/internal/v1/follow-ups/${followUp.id}/complete`, {
      direction: 'outbound',
      summary: 'Sent the price list on WeChat.',
      outcome: 'reached',
    });
    expect(done.status).toBe(200);
    expect(done.body.followUp).toMatchObject({
      id: followUp.id,
      status: 'done',
      interactionId: done.body.interaction.id,
    });
    expect(done.body.interaction).toMatchObject({
      customerId,
      channel: 'wechat',
      direction: 'outbound',
      followUpId: followUp.id,
      agent: 'agent1',
    });
    const timeline = await get(`/internal/v1/customers/${customerId}/interactions`);
    expect(timeline.body.items).toEqual([
      expect.objectContaining({ id: done.body.interaction.id, followUpId: followUp.id }),
    ]);
    expect((await events(customerId)).map((e) => e.type)).toEqual([
      'rapport.interaction.follow-up.created.v1',
      'rapport.interaction.interaction.logged.v1',
      'rapport.interaction.follow-up.completed.v1',
    ]);

    await tick(sut, at('2027-05-13T00:00:00+08:00'));
    expect(await events(customerId, DUE)).toEqual([]);
    expect(await events(customerId, OVERDUE)).toEqual([]);

    const again = await post(`/internal/v1/follow-ups/${followUp.id}/complete`, { direction: 'outbound' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'follow-up-done' });
    expect((await post(`/internal/v1/follow-ups/${followUp.id}/snooze`, { businessMinutes: 5 })).status).toBe(409);
    expect((await post(`/internal/v1/follow-ups/${followUp.id}/complete`, { direction: 'sideways' })).status).toBe(400);
  });

  it('lets an agent see and work only their own follow-ups, a manager the team’s; plans only for oneself or one’s team', async () => {
    const customerId = await knownCustomer(clients);
    const mine = (await create(followUpRequest(customerId, '2027-06-01T10:00:00+08:00'))).body as FollowUp;

    expect((await get(`/internal/v1/follow-ups/${mine.id}`, TEST_CALLERS.agent2)).status).toBe(404);
    expect((await get(`/internal/v1/follow-ups/${mine.id}`, TEST_CALLERS.manager)).status).toBe(200);
    expect((await get(`/internal/v1/follow-ups/${mine.id}`, TEST_CALLERS.analyst)).status).toBe(200);
    expect(
      (await post(`/internal/v1/follow-ups/${mine.id}/complete`, { direction: 'outbound' }, TEST_CALLERS.agent2))
        .status,
    ).toBe(404);
    expect((await create(followUpRequest(customerId, '2027-06-01T10:00:00+08:00'), TEST_CALLERS.analyst)).status).toBe(
      403,
    );

    const forOther = await create(followUpRequest(customerId, '2027-06-01T10:00:00+08:00', { assignee: 'agent2' }));
    expect(forOther.status).toBe(422);
    expect(forOther.body).toMatchObject({ code: 'assignee-not-you', errors: [{ field: 'assignee' }] });
    const otherTeam = await create(
      followUpRequest(customerId, '2027-06-01T10:00:00+08:00', { assignee: 'agent2', team: 'south' }),
      TEST_CALLERS.manager,
    );
    expect(otherTeam.status).toBe(422);
    expect(otherTeam.body).toMatchObject({ code: 'team-not-yours' });
    const assigned = await create(
      followUpRequest(customerId, '2027-06-02T10:00:00+08:00', { assignee: 'agent1' }),
      TEST_CALLERS.manager,
    );
    expect(assigned.status).toBe(201);
    expect(assigned.body).toMatchObject({ assignee: 'agent1', team: 'north' });

    const unknown = await create(followUpRequest('5d1f0a52-4c3b-4a51-9d43-3b7c9c0c0a11', '2027-06-01T10:00:00+08:00'));
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ code: 'customer-unknown' });
    expect((await create({ ...followUpRequest(customerId, '2027-06-01T10:00:00+08:00'), channel: 'fax' })).status).toBe(
      400,
    );
    expect((await create(followUpRequest(customerId, '2099-06-01T10:00:00+08:00'))).status).toBe(422);

    const agent2List = await get(`/internal/v1/follow-ups?customerId=${customerId}`, TEST_CALLERS.agent2);
    expect(agent2List.body.items).toEqual([]);
    const managerList = await get(`/internal/v1/follow-ups?customerId=${customerId}`, TEST_CALLERS.manager);
    expect((managerList.body.items as FollowUp[]).map((f) => f.id)).toEqual([mine.id, assigned.body.id]);
  });

  it('lists my follow-ups due today and the overdue ones, earliest first, paged', async () => {
    const customerId = await knownCustomer(clients);
    const now = Date.now();
    const overdue = (await create(followUpRequest(customerId, new Date(now - 30 * 60_000).toISOString())))
      .body as FollowUp;
    const soon = (await create(followUpRequest(customerId, new Date(now + 10 * 60_000).toISOString())))
      .body as FollowUp;
    const later = (await create(followUpRequest(customerId, new Date(now + 3 * 86_400_000).toISOString())))
      .body as FollowUp;
    expect(overdue.status).toBe('overdue');
    expect(soon.status).toBe('open');
    const done = (await create(followUpRequest(customerId, new Date(now - 60 * 60_000).toISOString())))
      .body as FollowUp;
    await post(`/internal/v1/follow-ups/${done.id}/complete`, { direction: 'outbound' });

    const ids = (body: { items: FollowUp[] }) => body.items.map((f) => f.id);
    const q = `assignee=me&customerId=${customerId}`;
    expect(ids((await get(`/internal/v1/follow-ups?${q}&status=overdue`)).body)).toEqual([overdue.id]);
    expect(ids((await get(`/internal/v1/follow-ups?${q}&status=open`)).body)).toEqual([soon.id, later.id]);
    expect(ids((await get(`/internal/v1/follow-ups?${q}&status=done`)).body)).toEqual([done.id]);
    const today = calendarDate(new Date(), 'Asia/Shanghai');
    const dueToday = [done, overdue, soon, later].filter((f) => calendarDate(at(f.dueAt), 'Asia/Shanghai') === today);
    expect(ids((await get(`/internal/v1/follow-ups?${q}&due=today`)).body)).toEqual(dueToday.map((f) => f.id));

    const first = await get(`/internal/v1/follow-ups?${q}&limit=2`);
    expect(ids(first.body)).toEqual([done.id, overdue.id]);
    const second = await get(`/internal/v1/follow-ups?${q}&limit=2&cursor=${first.body.nextCursor}`);
    expect(ids(second.body)).toEqual([soon.id, later.id]);
    expect((await get(`/internal/v1/follow-ups?status=late`)).status).toBe(400);
    expect((await get(`/internal/v1/follow-ups?cursor=nonsense`)).body).toMatchObject({ code: 'invalid-cursor' });
  });
});
