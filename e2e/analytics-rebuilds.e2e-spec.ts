import { bearer, eventually, stackInfo } from '@rapport/testing';
import request from 'supertest';

/**
 * Rebuilding analytics' read models through the gateway, as an administrator would: only the admin
 * role holds analytics:write; the answer points at the rebuild, whose progress analysts can read;
 * the start is in the audit trail.
 */
describe('analytics rebuilds through the gateway', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let admin: string;
  let analyst: string;
  let manager: string;

  beforeAll(async () => {
    [admin, analyst, manager] = await Promise.all([bearer('admin'), bearer('analyst'), bearer('manager')]);
  });

  it('refuses to start a rebuild without analytics:write and admin (analysts fit models, not rebuild), and without a token', async () => {
    const byAnalyst = await gateway().post('/api/v1/analytics/rebuilds').set('authorization', analyst);
    expect(byAnalyst.status).toBe(403);
    expect(byAnalyst.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(byAnalyst.body.missingScopes).toEqual(['admin']);
    const byManager = await gateway().post('/api/v1/analytics/rebuilds').set('authorization', manager);
    expect(byManager.status).toBe(403);
    expect(byManager.body.missingScopes).toEqual(['analytics:write', 'admin']);
    expect((await gateway().post('/api/v1/analytics/rebuilds')).status).toBe(401);
  }, 180_000);

  it('starts a rebuild for an admin (202, Location) that an analyst follows to completion; it is audited', async () => {
    const started = await gateway().post('/api/v1/analytics/rebuilds').set('authorization', admin);
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    expect(started.headers['location']).toBe(`/api/v1/analytics/rebuilds/${id}`);
    expect(started.body).toMatchObject({ state: 'running', requestedBy: 'admin' });

    // a second one while it runs
    const second = await gateway().post('/api/v1/analytics/rebuilds').set('authorization', admin);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ status: 409, code: 'rebuild-running', rebuildId: id });

    const done = await eventually(
      async () => {
        const response = await gateway().get(started.headers['location']!).set('authorization', analyst);
        expect(response.status).toBe(200);
        return response.body.state !== 'running' && response.body;
      },
      120_000,
      'the rebuild to finish',
    );
    expect(done).toMatchObject({ id, state: 'completed', phase: 'done', error: null });
    expect(done.partitions.length).toBeGreaterThan(0);
    expect(done.partitions.every((p: { done: boolean }) => p.done)).toBe(true);

    const audit = await gateway()
      .get('/api/v1/admin/audit')
      .query({ resourceType: 'analytics-rebuild', limit: 50 })
      .set('authorization', admin)
      .expect(200);
    expect(audit.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'analytics.rebuild', resourceId: id })]),
    );
  }, 180_000);

  it('answers 400 for a rebuild id that is not a UUID and 404 for an unknown one', async () => {
    const bad = await gateway().get('/api/v1/analytics/rebuilds/latest').set('authorization', analyst);
    expect(bad.status).toBe(400);
    const unknown = await gateway()
      .get('/api/v1/analytics/rebuilds/00000000-0000-4000-8000-000000000000')
      .set('authorization', analyst);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('rebuild-not-found');
  }, 180_000);
});
