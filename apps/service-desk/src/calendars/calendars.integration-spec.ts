import { randomUUID } from 'node:crypto';
import {
  closeServiceTestClients,
  openServiceTestClients,
  startServiceInProcess,
  TEST_CALLERS,
  type InProcessService,
  type ServiceTestClients,
} from '@rapport/testing';
import { chinaOfficialDataYears } from '@rapport/platform-business-calendar';
import { AppModule } from '../app.module';
import { CHINA_STANDARD_CALENDAR_ID } from './china-standard';

/**
 * Medium tier: service-desk booted in this process against the stack's PostgreSQL, called on its internal
 * API as the gateway would. Business calendars: created, read, replaced (If-Match) and given a new year's
 * arrangement, each change a version in the history; deadlines and working minutes on them, the shipped
 * china-standard calendar included, across China's make-up days and London's DST changes.
 */
describe('business calendars in service-desk (in process)', () => {
  let sut: InProcessService;
  let clients: ServiceTestClients;
  const BASE = '/internal/v1/business-calendars';
  const W = [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '18:00' },
  ];
  const officeWeek = { '1': W, '2': W, '3': W, '4': W, '5': W };
  const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    clients = await openServiceTestClients();
    sut = await startServiceInProcess('service-desk', AppModule);
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
    await closeServiceTestClients(clients);
  });

  const create = async (body: Record<string, unknown>) =>
    (
      await sut
        .http()
        .post(BASE)
        .set(await sut.as(TEST_CALLERS.admin))
        .send(body)
        .expect(201)
    ).body as { id: string; version: number; name: string };

  const deadline = async (id: string, from: string, minutes: number | string) =>
    sut
      .http()
      .get(`${BASE}/${id}/deadline`)
      .query({ from, minutes })
      .set(await sut.as(TEST_CALLERS.agent1));

  it('ships china-standard with every official year: the 2026 Spring Festival deadline skips the holiday and works the make-up Saturday', async () => {
    const { first, last } = chinaOfficialDataYears();
    const calendar = await sut
      .http()
      .get(`${BASE}/${CHINA_STANDARD_CALENDAR_ID}`)
      .set(await sut.as(TEST_CALLERS.agent1))
      .expect(200);
    expect(calendar.body).toMatchObject({
      id: CHINA_STANDARD_CALENDAR_ID,
      name: 'china-standard',
      timeZone: 'Asia/Shanghai',
      weekly: officeWeek,
      firstOverrideDate: `${first}-01-01`,
    });
    expect(calendar.body.lastOverrideDate.slice(0, 4)).toBe(String(last));
    expect(calendar.body.overrides).toContainEqual(expect.objectContaining({ date: '2026-02-14', kind: 'workday' }));
    expect(calendar.body.overrides).toContainEqual(expect.objectContaining({ date: '2026-02-17', kind: 'holiday' }));
    expect(calendar.headers['etag']).toBe(`"${calendar.body.version}"`);

    // Saturday 2026-02-14 is a make-up working day; 02-15 to 02-23 is the Spring Festival holiday.
    const due = await deadline(CHINA_STANDARD_CALENDAR_ID, '2026-02-14T17:00:00+08:00', 120);
    expect(due.status).toBe(200);
    expect(due.body).toEqual({
      due: '2026-02-24T10:00:00+08:00',
      calendarId: CHINA_STANDARD_CALENDAR_ID,
      version: calendar.body.version,
    });
    const minutes = await sut
      .http()
      .get(`${BASE}/${CHINA_STANDARD_CALENDAR_ID}/business-minutes`)
      .query({ from: '2026-02-14T17:00:00+08:00', to: '2026-02-24T10:00:00+08:00' })
      .set(await sut.as(TEST_CALLERS.agent1))
      .expect(200);
    expect(minutes.body).toMatchObject({ minutes: 120, seconds: 7200 });

    const list = await sut
      .http()
      .get(BASE)
      .set(await sut.as(TEST_CALLERS.agent1))
      .expect(200);
    expect(list.body.items).toContainEqual(
      expect.objectContaining({
        id: CHINA_STANDARD_CALENDAR_ID,
        name: 'china-standard',
        overrideCount: expect.any(Number),
      }),
    );
    expect(list.body.items[0]).not.toHaveProperty('overrides');
  });

  it('creates, reads and replaces a calendar with If-Match (412 when stale), each change a version', async () => {
    const name = unique('shanghai-office');
    const created = await sut
      .http()
      .post(BASE)
      .set(await sut.as(TEST_CALLERS.admin))
      .send({
        name,
        timeZone: 'Asia/Shanghai',
        weekly: officeWeek,
        overrides: [{ date: '2026-10-01', kind: 'holiday', name: '国庆节 National Day' }],
      })
      .expect(201);
    expect(created.headers['etag']).toBe('"1"');
    expect(created.headers['location']).toBe(`${BASE}/${created.body.id}`);
    expect(created.body).toMatchObject({ name, version: 1, updatedBy: 'admin', overrideCount: 1 });
    const id = created.body.id as string;

    const read = await sut
      .http()
      .get(`${BASE}/${id}`)
      .set(await sut.as(TEST_CALLERS.agent1))
      .expect(200);
    expect(read.body.overrides).toEqual([{ date: '2026-10-01', kind: 'holiday', name: '国庆节 National Day' }]);

    const replacement = {
      name,
      timeZone: 'Asia/Shanghai',
      weekly: { ...officeWeek, '6': [{ start: '10:00', end: '16:00' }] },
      overrides: [{ date: '2026-10-02', kind: 'holiday' }],
    };
    const replaced = await sut
      .http()
      .put(`${BASE}/${id}`)
      .set(await sut.as(TEST_CALLERS.admin))
      .set('If-Match', '"1"')
      .send(replacement)
      .expect(200);
    expect(replaced.headers['etag']).toBe('"2"');
    expect(replaced.body).toMatchObject({ version: 2, weekly: replacement.weekly, overrides: replacement.overrides });
    const stale = await sut
      .http()
      .put(`${BASE}/${id}`)
      .set(await sut.as(TEST_CALLERS.admin))
      .set('If-Match', '"1"')
      .send(replacement)
      .expect(412);
    expect(stale.body).toMatchObject({ code: 'stale-version', currentVersion: 2 });
    // the same calendar again: nothing changes, no new version
    await sut
      .http()
      .put(`${BASE}/${id}`)
      .set(await sut.as(TEST_CALLERS.admin))
      .set('If-Match', '"2"')
      .send(replacement)
      .expect(200)
      .expect('ETag', '"2"');

    const versions = await sut
      .http()
      .get(`${BASE}/${id}/versions`)
      .set(await sut.as(TEST_CALLERS.agent1))
      .expect(200);
    expect(versions.body).toEqual({
      calendarId: id,
      items: [
        {
          version: 1,
          at: expect.any(String),
          actor: 'admin',
          change: {
            kind: 'created',
            name,
            timeZone: 'Asia/Shanghai',
            weekly: officeWeek,
            overridesSet: [{ date: '2026-10-01', kind: 'holiday', name: '国庆节 National Day' }],
            overridesRemoved: [],
          },
        },
        {
          version: 2,
          at: expect.any(String),
          actor: 'admin',
          change: {
            kind: 'replaced',
            weekly: replacement.weekly,
            overridesSet: [{ date: '2026-10-02', kind: 'holiday' }],
            overridesRemoved: ['2026-10-01'],
          },
        },
      ],
    });
    // the history is append-only, even for the service's own connection
    await expect(
      clients.db.query('DELETE FROM service_desk.business_calendar_versions WHERE calendar_id = $1', [id]),
    ).rejects.toThrow(/append-only/);
  });

  it('takes a new year’s arrangement as an overrides batch, which moves a deadline onto the make-up Saturday', async () => {
    const { id } = await create({ name: unique('cn-2027'), timeZone: 'Asia/Shanghai', weekly: officeWeek });
    // Friday 17:00 plus 120 working minutes: an hour on Friday, an hour on Monday
    expect((await deadline(id, '2027-02-05T17:00:00+08:00', 120)).body).toMatchObject({
      due: '2027-02-08T10:00:00+08:00',
      version: 1,
    });
    const holidays = ['06', '07', '08', '09', '10', '11', '12'].map((d) => ({
      date: `2027-02-${d}`,
      kind: 'holiday',
      name: '春节 Spring Festival',
    }));
    const added = await sut
      .http()
      .post(`${BASE}/${id}/overrides`)
      .set(await sut.as(TEST_CALLERS.admin))
      .send({ overrides: [...holidays, { date: '2027-02-13', kind: 'workday', name: '春节 调休上班' }] })
      .expect(200);
    expect(added.headers['etag']).toBe('"2"');
    expect(added.body).toMatchObject({ version: 2, overrideCount: 8, lastOverrideDate: '2027-02-13' });
    expect((await deadline(id, '2027-02-05T17:00:00+08:00', 120)).body).toMatchObject({
      due: '2027-02-13T10:00:00+08:00',
      version: 2,
    });
    // a batch replaces the override of a date it names, leaves the others; a stale version is refused
    await sut
      .http()
      .post(`${BASE}/${id}/overrides`)
      .set(await sut.as(TEST_CALLERS.admin))
      .set('If-Match', '"1"')
      .send({ overrides: [{ date: '2027-02-13', kind: 'holiday' }] })
      .expect(412);
    await sut
      .http()
      .post(`${BASE}/${id}/overrides`)
      .set(await sut.as(TEST_CALLERS.admin))
      .send({ overrides: [{ date: '2027-02-13', kind: 'workday', windows: [{ start: '09:00', end: '09:30' }] }] })
      .expect(200)
      .expect('ETag', '"3"');
    expect((await deadline(id, '2027-02-05T17:00:00+08:00', 120)).body).toMatchObject({
      due: '2027-02-15T09:30:00+08:00',
      version: 3,
    });
    const versions = await sut
      .http()
      .get(`${BASE}/${id}/versions`)
      .set(await sut.as(TEST_CALLERS.agent1))
      .expect(200);
    expect(versions.body.items.map((v: { change: { kind: string } }) => v.change.kind)).toEqual([
      'created',
      'overrides-added',
      'overrides-added',
    ]);
    expect(versions.body.items[1].change.overridesSet).toHaveLength(8);
  });

  it('counts real elapsed time across Europe/London’s DST changes', async () => {
    const L = [{ start: '09:00', end: '17:30' }];
    const { id } = await create({
      name: unique('london'),
      timeZone: 'Europe/London',
      weekly: { '1': L, '2': L, '3': L, '4': L, '5': L, '7': [{ start: '00:00', end: '04:00' }] },
    });
    // 2026-03-29 01:00 GMT becomes 02:00 BST: the skipped hour is no working time, the answer is in BST
    expect((await deadline(id, '2026-03-29T00:30:00Z', 60)).body).toMatchObject({ due: '2026-03-29T02:30:00+01:00' });
    const minutes = async (from: string, to: string) =>
      (
        await sut
          .http()
          .get(`${BASE}/${id}/business-minutes`)
          .query({ from, to })
          .set(await sut.as(TEST_CALLERS.agent1))
          .expect(200)
      ).body;
    expect(await minutes('2026-03-29T00:00:00Z', '2026-03-29T12:00:00Z')).toMatchObject({ minutes: 180 });
    // 2026-10-25 02:00 BST becomes 01:00 GMT: the repeated hour is worked twice
    expect(await minutes('2026-10-24T22:00:00Z', '2026-10-25T12:00:00Z')).toMatchObject({
      minutes: 300,
      seconds: 18000,
    });
    expect(await minutes('2026-10-25T12:00:00Z', '2026-10-24T22:00:00Z')).toMatchObject({ minutes: -300 });
  });

  describe('refusals', () => {
    it('names the fields of an invalid calendar (422), from the library’s checks', async () => {
      const answer = await sut
        .http()
        .post(BASE)
        .set(await sut.as(TEST_CALLERS.admin))
        .send({
          name: unique('bad'),
          timeZone: 'Mars/Olympus_Mons',
          weekly: {
            '1': [
              { start: '09:00', end: '12:00' },
              { start: '11:00', end: '13:00' },
            ],
            '2': [{ start: '18:00', end: '09:00' }],
          },
          overrides: [
            { date: '2026-05-01', kind: 'holiday' },
            { date: '2026-05-01', kind: 'closure', windows: [{ start: '09:00', end: '10:00' }] },
          ],
        })
        .expect(422);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.body.code).toBe('invalid-calendar');
      const fields = (answer.body.errors as { field: string }[]).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['timeZone', 'weekly.1[1]', 'weekly.2[0]', 'overrides[1].date']));
    });

    it('names the field of a malformed window or override (400) before the library sees it', async () => {
      const answer = await sut
        .http()
        .post(BASE)
        .set(await sut.as(TEST_CALLERS.admin))
        .send({
          name: unique('bad'),
          timeZone: 'Asia/Shanghai',
          weekly: { '1': [{ start: '9:00', end: '18:00' }] },
          overrides: [{ date: '2026-02-30', kind: 'vacation' }],
        })
        .expect(400);
      const fields = (answer.body.errors as { field: string }[]).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['overrides[0].date', 'overrides[0].kind']));
      expect(fields.some((f) => f.includes('start'))).toBe(true);
    });

    it('names the batch’s own field of a bad override, and refuses more than 400 at once', async () => {
      const { id } = await create({ name: unique('batch'), timeZone: 'Asia/Shanghai', weekly: { '6': W } });
      const noMonday = await sut
        .http()
        .post(`${BASE}/${id}/overrides`)
        .set(await sut.as(TEST_CALLERS.admin))
        .send({
          overrides: [
            { date: '2027-01-01', kind: 'holiday' },
            { date: '2027-01-04', kind: 'workday' },
          ],
        })
        .expect(422);
      expect(noMonday.body).toMatchObject({ code: 'invalid-calendar', errors: [{ field: 'overrides[1].windows' }] });
      const tooMany = Array.from({ length: 401 }, (_, i) => ({
        date: new Date(Date.UTC(2030, 0, 1 + i)).toISOString().slice(0, 10),
        kind: 'holiday',
      }));
      const answer = await sut
        .http()
        .post(`${BASE}/${id}/overrides`)
        .set(await sut.as(TEST_CALLERS.admin))
        .send({ overrides: tooMany })
        .expect(400);
      expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'overrides' })]);
    });

    it('refuses a taken name (409) and an unknown calendar (404)', async () => {
      const name = unique('taken');
      const { id } = await create({ name, timeZone: 'Asia/Shanghai', weekly: officeWeek });
      const taken = await sut
        .http()
        .post(BASE)
        .set(await sut.as(TEST_CALLERS.admin))
        .send({ name, timeZone: 'Asia/Shanghai', weekly: {} })
        .expect(409);
      expect(taken.body).toMatchObject({ code: 'calendar-name-taken', errors: [{ field: 'name' }] });
      const renamed = await sut
        .http()
        .put(`${BASE}/${id}`)
        .set(await sut.as(TEST_CALLERS.admin))
        .set('If-Match', '"1"')
        .send({ name: 'china-standard', timeZone: 'Asia/Shanghai', weekly: officeWeek, overrides: [] })
        .expect(409);
      expect(renamed.body).toMatchObject({ code: 'calendar-name-taken' });
      const unknown = await sut
        .http()
        .get(`${BASE}/${randomUUID()}`)
        .set(await sut.as(TEST_CALLERS.agent1))
        .expect(404);
      expect(unknown.body).toMatchObject({ code: 'calendar-not-found' });
      expect((await deadline(randomUUID(), '2026-01-01T00:00:00Z', 5)).status).toBe(404);
    });

    it.each([
      [{ from: '2026-02-14T17:00:00', minutes: '60' }, 'from'],
      [{ from: '2026-02-30T10:00:00+08:00', minutes: '60' }, 'from'],
      [{ from: 'tomorrow', minutes: '60' }, 'from'],
      [{ minutes: '60' }, 'from'],
      [{ from: '2026-02-14T17:00:00Z', minutes: '1.5' }, 'minutes'],
      [{ from: '2026-02-14T17:00:00Z', minutes: '' }, 'minutes'],
      [{ from: '2026-02-14T17:00:00Z', minutes: '1e3' }, 'minutes'],
      [{ from: '2026-02-14T17:00:00Z', minutes: '-1' }, 'minutes'],
      [{ from: '2026-02-14T17:00:00Z', minutes: '525601' }, 'minutes'],
      [{ from: '2026-02-14T17:00:00Z' }, 'minutes'],
      [{ from: '1900-01-01T00:00:00Z', minutes: '1' }, 'from'],
    ])('refuses the deadline query %j naming %s (400)', async (query, field) => {
      const answer = await sut
        .http()
        .get(`${BASE}/${CHINA_STANDARD_CALENDAR_ID}/deadline`)
        .query(query)
        .set(await sut.as(TEST_CALLERS.agent1))
        .expect(400);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.body.errors).toContainEqual(expect.objectContaining({ field }));
    });

    it('refuses a business-minutes range longer than ten years naming to (422)', async () => {
      const answer = await sut
        .http()
        .get(`${BASE}/${CHINA_STANDARD_CALENDAR_ID}/business-minutes`)
        .query({ from: '2000-01-01T00:00:00Z', to: '2020-01-01T00:00:00Z' })
        .set(await sut.as(TEST_CALLERS.agent1))
        .expect(422);
      expect(answer.body).toMatchObject({ code: 'range-too-long', errors: [{ field: 'to' }] });
    });

    it('answers 422 for a calendar without working time, and 0 minutes as the start itself', async () => {
      const { id } = await create({ name: unique('closed'), timeZone: 'Asia/Shanghai', weekly: {} });
      const answer = await deadline(id, '2026-02-14T17:00:00+08:00', 60);
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ code: 'no-working-time' });
      expect((await deadline(id, '2026-02-14T17:00:00+08:00', 0)).body).toMatchObject({
        due: '2026-02-14T17:00:00+08:00',
      });
    });

    it('lets only admins change calendars (403); others may read them', async () => {
      for (const caller of [TEST_CALLERS.agent1, TEST_CALLERS.manager]) {
        await sut
          .http()
          .post(BASE)
          .set(await sut.as(caller))
          .send({ name: unique('nope'), timeZone: 'Asia/Shanghai', weekly: officeWeek })
          .expect(403);
        await sut
          .http()
          .post(`${BASE}/${CHINA_STANDARD_CALENDAR_ID}/overrides`)
          .set(await sut.as(caller))
          .send({ overrides: [{ date: '2027-01-01', kind: 'holiday' }] })
          .expect(403);
      }
      // an analyst has no tickets:read
      await sut
        .http()
        .get(BASE)
        .set(await sut.as(TEST_CALLERS.analyst))
        .expect(403);
    });
  });
});
