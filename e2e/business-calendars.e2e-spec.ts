import { randomUUID } from 'node:crypto';
import { bearer, stackInfo } from '@rapport/testing';
import request from 'supertest';

/**
 * Business calendars through the gateway: the shipped china-standard calendar answers deadlines and
 * working minutes to whoever reads tickets; only admins change calendars, each change audited (and
 * versioned by service-desk); bad query strings are 400 problems naming the field.
 */
describe('business calendars through the gateway', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  const CHINA_STANDARD = '6f1c2b7e-4d3a-4e8b-9c1d-2a5e8f0b3c71';
  const W = [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '18:00' },
  ];
  const officeWeek = { '1': W, '2': W, '3': W, '4': W, '5': W };
  let admin: string;
  let agent1: string;
  let analyst: string;

  beforeAll(async () => {
    [admin, agent1, analyst] = await Promise.all([bearer('admin'), bearer('agent1'), bearer('analyst')]);
  });

  it('answers the 2026 Spring Festival deadline and the working minutes on china-standard', async () => {
    const listed = await gateway().get('/api/v1/business-calendars').set('authorization', agent1).expect(200);
    expect(listed.body.items).toContainEqual(expect.objectContaining({ id: CHINA_STANDARD, name: 'china-standard' }));

    const due = await gateway()
      .get(`/api/v1/business-calendars/${CHINA_STANDARD}/deadline`)
      .query({ from: '2026-02-14T17:00:00+08:00', minutes: 120 })
      .set('authorization', agent1)
      .expect(200);
    expect(due.body).toMatchObject({ due: '2026-02-24T10:00:00+08:00', calendarId: CHINA_STANDARD });

    const minutes = await gateway()
      .get(`/api/v1/business-calendars/${CHINA_STANDARD}/business-minutes`)
      .query({ from: '2026-02-13T17:30:00+08:00', to: '2026-02-14T09:30:00+08:00' })
      .set('authorization', agent1)
      .expect(200);
    // 30 minutes on Friday, 30 on the make-up Saturday
    expect(minutes.body).toMatchObject({ minutes: 60, seconds: 3600, calendarId: CHINA_STANDARD });
  });

  it('refuses a bad from with a 400 problem naming from', async () => {
    for (const from of ['2026-02-14T17:00:00', '2026-02-14 17:00:00+08:00', 'yesterday']) {
      const answer = await gateway()
        .get(`/api/v1/business-calendars/${CHINA_STANDARD}/deadline`)
        .query({ from, minutes: 60 })
        .set('authorization', agent1)
        .expect(400);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.body.errors).toContainEqual(expect.objectContaining({ field: 'from' }));
    }
    const minutes = await gateway()
      .get(`/api/v1/business-calendars/${CHINA_STANDARD}/deadline`)
      .query({ from: '2026-02-14T17:00:00Z', minutes: 'sixty' })
      .set('authorization', agent1)
      .expect(400);
    expect(minutes.body.errors).toContainEqual(expect.objectContaining({ field: 'minutes' }));
  });

  it('lets only admins change calendars: an agent gets 403, an analyst cannot even read them', async () => {
    const body = { name: `agent-${randomUUID().slice(0, 8)}`, timeZone: 'Asia/Shanghai', weekly: officeWeek };
    await gateway().post('/api/v1/business-calendars').set('authorization', agent1).send(body).expect(403);
    await gateway()
      .post(`/api/v1/business-calendars/${CHINA_STANDARD}/overrides`)
      .set('authorization', agent1)
      .send({ overrides: [{ date: '2027-02-06', kind: 'holiday' }] })
      .expect(403);
    await gateway()
      .put(`/api/v1/business-calendars/${CHINA_STANDARD}`)
      .set('authorization', agent1)
      .set('If-Match', '"1"')
      .send({ ...body, overrides: [] })
      .expect(403);
    await gateway().get('/api/v1/business-calendars').set('authorization', analyst).expect(403);
  });

  it('audits every change an admin makes, and keeps its versions', async () => {
    const name = `e2e-calendar-${randomUUID().slice(0, 8)}`;
    const created = await gateway()
      .post('/api/v1/business-calendars')
      .set('authorization', admin)
      .set('Idempotency-Key', `e2e-calendar-${randomUUID()}`)
      .send({ name, timeZone: 'Asia/Shanghai', weekly: officeWeek })
      .expect(201);
    expect(created.headers['etag']).toBe('"1"');
    const id = created.body.id as string;

    const added = await gateway()
      .post(`/api/v1/business-calendars/${id}/overrides`)
      .set('authorization', admin)
      .send({
        overrides: [
          ...['06', '07', '08', '09', '10', '11', '12'].map((d) => ({ date: `2027-02-${d}`, kind: 'holiday' })),
          { date: '2027-02-13', kind: 'workday', name: '调休上班' },
        ],
      })
      .expect(200);
    expect(added.headers['etag']).toBe('"2"');
    const due = await gateway()
      .get(`/api/v1/business-calendars/${id}/deadline`)
      .query({ from: '2027-02-05T17:00:00+08:00', minutes: 120 })
      .set('authorization', agent1)
      .expect(200);
    expect(due.body).toMatchObject({ due: '2027-02-13T10:00:00+08:00', version: 2 });

    const stale = await gateway()
      .put(`/api/v1/business-calendars/${id}`)
      .set('authorization', admin)
      .set('If-Match', '"1"')
      .send({ name, timeZone: 'Asia/Shanghai', weekly: officeWeek, overrides: [] })
      .expect(412);
    expect(stale.headers['content-type']).toMatch(/^application\/problem\+json/);
    await gateway()
      .put(`/api/v1/business-calendars/${id}`)
      .set('authorization', admin)
      .set('If-Match', '"2"')
      .send({ name, timeZone: 'Asia/Shanghai', weekly: officeWeek, overrides: [] })
      .expect(200)
      .expect('ETag', '"3"');

    const versions = await gateway()
      .get(`/api/v1/business-calendars/${id}/versions`)
      .set('authorization', agent1)
      .expect(200);
    expect(versions.body.items.map((v: { version: number; actor: string }) => [v.version, v.actor])).toEqual([
      [1, 'admin'],
      [2, 'admin'],
      [3, 'admin'],
    ]);

    const audit = await gateway()
      .get('/api/v1/admin/audit')
      .query({ resourceType: 'business-calendar', resourceId: id, limit: 50 })
      .set('authorization', admin)
      .expect(200);
    const actions = (audit.body.items as { action: string; actor: string; status: number }[]).map((e) => [
      e.action,
      e.actor,
      e.status,
    ]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['business-calendar.create', 'admin', 201],
        ['business-calendar.overrides.add', 'admin', 200],
        ['business-calendar.replace', 'admin', 200],
      ]),
    );
    // the refused (stale) change wrote no entry
    expect(actions.filter(([action]) => action === 'business-calendar.replace')).toHaveLength(1);
  });
});
