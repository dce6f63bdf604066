import { randomUUID } from 'node:crypto';
import { adminClient, bearer, eventually, stackInfo, userToken } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/** Owners, the public pool (公海) and lifecycle stages, through the gateway. */
describe('ownership, public pool and lifecycle through the gateway', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  const subs: Record<string, string> = {};
  const auth: Record<string, string> = {};

  const customer = async (ownerId: string | null, team: string | null = 'north'): Promise<string> => {
    const id = randomUUID();
    await db.query(
      `INSERT INTO customer_profile.customers (id, kind, name, owner_id, team, owner_since) VALUES ($1, 'person', $2, $3, $4, now())`,
      [id, `公海测试 ${id.slice(0, 8)}`, ownerId, team],
    );
    return id;
  };
  const owner = async (id: string) =>
    (await db.query(`SELECT owner_id, team FROM customer_profile.customers WHERE id = $1`, [id])).rows[0] as {
      owner_id: string | null;
      team: string | null;
    };
  const events = async (id: string, type: string) =>
    (
      await db.query(
        `SELECT payload FROM customer_profile.outbox WHERE message_key = $1 AND event_type = $2 ORDER BY seq`,
        [id, type],
      )
    ).rows.map((r: { payload: string }) => JSON.parse(r.payload));
  const OWNERSHIP = 'rapport.customer-profile.ownership.changed.v1';
  const LIFECYCLE = 'rapport.customer-profile.lifecycle.changed.v1';

  beforeAll(async () => {
    db = await adminClient();
    for (const user of ['agent1', 'agent2', 'manager', 'admin', 'analyst'] as const) {
      auth[user] = await bearer(user);
      subs[user] = JSON.parse(Buffer.from((await userToken(user)).split('.')[1]!, 'base64url').toString('utf8')).sub;
    }
  });
  afterAll(async () => {
    await db.end();
  });

  describe('assignment and transfer', () => {
    it('lets a manager assign a pool customer and transfer it, with history and events', async () => {
      const id = await customer(null);
      const assigned = await gateway()
        .post(`/api/v1/customers/${id}/owner`)
        .set('authorization', auth.manager!)
        .send({ ownerId: subs.agent1, team: 'north', reason: 'new territory' })
        .expect(200);
      expect(assigned.body).toMatchObject({
        customerId: id,
        ownerId: subs.agent1,
        team: 'north',
        lastChange: { change: 'assigned', previousOwnerId: null },
      });
      await gateway()
        .post(`/api/v1/customers/${id}/owner`)
        .set('authorization', auth.manager!)
        .send({ ownerId: 'north-rep-2', team: 'north', reason: 'agent on leave' })
        .expect(200)
        .expect((r) =>
          expect(r.body.lastChange).toMatchObject({
            change: 'transferred',
            previousOwnerId: subs.agent1,
            reason: 'agent on leave',
          }),
        );

      const history = await gateway()
        .get(`/api/v1/customers/${id}/ownership-history`)
        .set('authorization', auth.manager!)
        .expect(200);
      expect(history.body.items.map((h: { change: string }) => h.change)).toEqual(['assigned', 'transferred']);
      expect(await events(id, OWNERSHIP)).toEqual([
        expect.objectContaining({
          customerId: id,
          change: 'assigned',
          ownerId: subs.agent1,
          team: 'north',
          previousOwnerId: null,
          reason: 'new territory',
        }),
        expect.objectContaining({ change: 'transferred', ownerId: 'north-rep-2', previousOwnerId: subs.agent1 }),
      ]);
    });

    it('refuses agents, other teams and bad input, writing nothing', async () => {
      const id = await customer(subs.agent1!);
      const assign = (who: string, body: object) =>
        gateway().post(`/api/v1/customers/${id}/owner`).set('authorization', auth[who]!).send(body);
      await assign('agent1', { ownerId: 'x', team: 'north', reason: 'mine now' }).expect(403);
      const otherTeam = await assign('manager', { ownerId: 'x', team: 'south', reason: 'r' }).expect(403);
      expect(otherTeam.body.errors[0].field).toBe('team');
      const noReason = await assign('manager', { ownerId: 'x', team: 'north' }).expect(400);
      expect(noReason.body.errors.map((e: { field: string }) => e.field)).toContain('reason');
      await assign('manager', { ownerId: subs.agent1, team: 'north', reason: 'same' }).expect(409);
      const south = await customer('someone', 'south');
      await gateway()
        .post(`/api/v1/customers/${south}/owner`)
        .set('authorization', auth.manager!)
        .send({ ownerId: 'x', team: 'north', reason: 'r' })
        .expect(404);
      await gateway()
        .post(`/api/v1/customers/${id}/owner`)
        .send({ ownerId: 'x', team: 'north', reason: 'r' })
        .expect(401);
      expect(await owner(id)).toEqual({ owner_id: subs.agent1, team: 'north' });
      expect(await events(id, OWNERSHIP)).toEqual([]);
    });
  });

  describe('the public pool', () => {
    it('releases by the owner with a reason and claims from the pool', async () => {
      const id = await customer(subs.agent1!);
      await gateway().post(`/api/v1/customers/${id}/release`).set('authorization', auth.agent1!).send({}).expect(400);
      // Not agent2's customer: it does not exist for them.
      await gateway()
        .post(`/api/v1/customers/${id}/release`)
        .set('authorization', auth.agent2!)
        .send({ reason: 'x' })
        .expect(404);
      const released = await gateway()
        .post(`/api/v1/customers/${id}/release`)
        .set('authorization', auth.agent1!)
        .send({ reason: '预算不足' })
        .expect(200);
      expect(released.body).toMatchObject({
        ownerId: null,
        team: 'north',
        lastChange: { change: 'released', reason: '预算不足' },
      });
      await gateway()
        .post(`/api/v1/customers/${id}/release`)
        .set('authorization', auth.agent1!)
        .send({ reason: 'again' })
        .expect(409);

      const claimed = await gateway()
        .post(`/api/v1/customers/${id}/claim`)
        .set('authorization', auth.agent2!)
        .send({ reason: 'met at the fair' })
        .expect(200);
      expect(claimed.body).toMatchObject({ ownerId: subs.agent2, team: 'south', lastChange: { change: 'claimed' } });
      await gateway().post(`/api/v1/customers/${id}/claim`).set('authorization', auth.agent1!).send({}).expect(404);
      await gateway().post(`/api/v1/customers/${id}/claim`).set('authorization', auth.agent2!).send({}).expect(409);
      await gateway().post(`/api/v1/customers/${id}/claim`).set('authorization', auth.analyst!).send({}).expect(403);

      expect((await events(id, OWNERSHIP)).map((e) => e.change)).toEqual(['released', 'claimed']);
      const history = await gateway()
        .get(`/api/v1/customers/${id}/ownership-history`)
        .set('authorization', auth.agent2!)
        .expect(200);
      expect(history.body.items).toEqual([
        expect.objectContaining({
          change: 'released',
          ownerId: null,
          previousOwnerId: subs.agent1,
          changedBy: subs.agent1,
        }),
        expect.objectContaining({ change: 'claimed', ownerId: subs.agent2, previousOwnerId: null }),
      ]);
    });

    it('publishes one event for a claim retried with the same Idempotency-Key', async () => {
      const id = await customer(null, 'south');
      const claim = () =>
        gateway()
          .post(`/api/v1/customers/${id}/claim`)
          .set('authorization', auth.agent2!)
          .set('idempotency-key', `claim-${id}`)
          .send({});
      const first = await claim().expect(200);
      const again = await claim().expect(200);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await events(id, OWNERSHIP)).toHaveLength(1);
    });

    it('refuses a claim over the holding cap (POOL_HOLDING_CAP, 50 by default)', async () => {
      const held = (
        await db.query(`SELECT count(*)::int AS n FROM customer_profile.customers WHERE owner_id = $1`, [subs.agent2])
      ).rows[0].n as number;
      const filler = Array.from({ length: Math.max(0, 50 - held) }, () => randomUUID());
      await db.query(
        `INSERT INTO customer_profile.customers (id, kind, name, owner_id, team) SELECT id, 'person', 'filler', $2, 'south' FROM unnest($1::uuid[]) AS id`,
        [filler, subs.agent2],
      );
      try {
        const id = await customer(null, 'south');
        const response = await gateway()
          .post(`/api/v1/customers/${id}/claim`)
          .set('authorization', auth.agent2!)
          .send({})
          .expect(422);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body.detail).toMatch(/holding cap is 50/);
        expect(await owner(id)).toEqual({ owner_id: null, team: 'south' });
        expect(await events(id, OWNERSHIP)).toEqual([]);
      } finally {
        await db.query(`DELETE FROM customer_profile.customers WHERE id = ANY($1::uuid[])`, [filler]);
      }
    });

    it('recycles customers without contact for POOL_RECYCLE_DAYS, once, on the admin trigger', async () => {
      const stale = await customer(subs.agent1!);
      const fresh = await customer(subs.agent1!);
      await db.query(
        `UPDATE customer_profile.customers SET created_at = now() - interval '40 days', updated_at = now() - interval '40 days',
           owner_since = now() - interval '40 days', last_contact_at = now() - interval '31 days' WHERE id = $1`,
        [stale],
      );
      await gateway().post('/api/v1/ownership/recycle-runs').set('authorization', auth.agent1!).send({}).expect(403);
      const first = await gateway()
        .post('/api/v1/ownership/recycle-runs')
        .set('authorization', auth.admin!)
        .send({})
        .expect(200);
      expect(first.body.customerIds).toContain(stale);
      expect(first.body.customerIds).not.toContain(fresh);
      const second = await gateway()
        .post('/api/v1/ownership/recycle-runs')
        .set('authorization', auth.admin!)
        .send({})
        .expect(200);
      expect(second.body.customerIds).not.toContain(stale);
      expect(await owner(stale)).toEqual({ owner_id: null, team: 'north' });
      expect(await events(stale, OWNERSHIP)).toEqual([
        expect.objectContaining({
          change: 'recycled',
          ownerId: null,
          previousOwnerId: subs.agent1,
          reason: 'no contact for 30 days',
        }),
      ]);
    });
  });

  describe('lifecycle', () => {
    const buy = (id: string) =>
      gateway()
        .post(`/api/v1/customers/${id}/purchases`)
        .set('authorization', auth.agent1!)
        .send({
          externalOrderId: `SO-${randomUUID()}`,
          currency: 'CNY',
          occurredAt: new Date().toISOString(),
          lines: [{ sku: 'A', quantity: 1, unitPrice: '1.00' }],
        })
        .expect(201);
    const stage = async (id: string) =>
      (await gateway().get(`/api/v1/customers/${id}/lifecycle`).set('authorization', auth.agent1!).expect(200)).body;

    it('moves prospect → new → active on purchases, churned by hand, won_back on the next purchase', async () => {
      const id = await customer(subs.agent1!);
      expect((await stage(id)).stage).toBe('prospect');
      await buy(id);
      expect((await stage(id)).stage).toBe('new');
      await buy(id);
      expect((await stage(id)).stage).toBe('active');
      const manual = await gateway()
        .post(`/api/v1/customers/${id}/lifecycle`)
        .set('authorization', auth.agent1!)
        .send({ stage: 'churned', reason: 'moved abroad' })
        .expect(200);
      expect(manual.body.stage).toBe('churned');
      await buy(id);
      const view = await stage(id);
      expect(view.stage).toBe('won_back');
      expect(
        view.history.map((h: { from: string; to: string; automatic: boolean }) => [h.from, h.to, h.automatic]),
      ).toEqual([
        ['prospect', 'new', true],
        ['new', 'active', true],
        ['active', 'churned', false],
        ['churned', 'won_back', true],
      ]);
      expect(view.history[2]).toMatchObject({
        reason: 'moved abroad',
        changedBy: subs.agent1,
        changedAt: expect.any(String),
      });
      expect((await events(id, LIFECYCLE)).map((e) => `${e.from}>${e.to}`)).toEqual([
        'prospect>new',
        'new>active',
        'active>churned',
        'churned>won_back',
      ]);
    });

    it('rejects a bad stage, a missing reason and the current stage; hides other agents’ customers', async () => {
      const id = await customer(subs.agent1!);
      const change = (body: object, who = 'agent1') =>
        gateway().post(`/api/v1/customers/${id}/lifecycle`).set('authorization', auth[who]!).send(body);
      expect((await change({ stage: 'vip', reason: 'x' }).expect(400)).body.errors[0].field).toBe('stage');
      expect((await change({ stage: 'loyal' }).expect(400)).body.errors[0].field).toBe('reason');
      await change({ stage: 'prospect', reason: 'x' }).expect(409);
      await change({ stage: 'loyal', reason: 'x' }, 'agent2').expect(404);
      await change({ stage: 'loyal', reason: 'x' }, 'analyst').expect(403);
      await gateway().get(`/api/v1/customers/${id}/lifecycle`).set('authorization', auth.agent2!).expect(404);
      expect(await events(id, LIFECYCLE)).toEqual([]);
    });

    it('churns customers without a purchase for LIFECYCLE_CHURN_DAYS, once', async () => {
      const id = await customer(subs.agent1!);
      await buy(id);
      await db.query(
        `UPDATE customer_profile.customer_purchase_summary SET last_purchase_at = now() - interval '200 days' WHERE customer_id = $1`,
        [id],
      );
      await gateway().post('/api/v1/lifecycle/churn-runs').set('authorization', auth.manager!).send({}).expect(403);
      // A run skips rows another transaction holds (SKIP LOCKED): analytics' customer.scored for the
      // purchase may be being applied to this customer right now. The run that takes it is the one.
      const runs: string[][] = [];
      await eventually(
        async () => {
          const run = await gateway()
            .post('/api/v1/lifecycle/churn-runs')
            .set('authorization', auth.admin!)
            .send({})
            .expect(200);
          runs.push(run.body.customerIds as string[]);
          return (run.body.customerIds as string[]).includes(id);
        },
        10_000,
        'a churn run to take the customer',
      );
      expect(runs.filter((ids) => ids.includes(id))).toHaveLength(1);
      const second = await gateway()
        .post('/api/v1/lifecycle/churn-runs')
        .set('authorization', auth.admin!)
        .send({})
        .expect(200);
      expect(second.body.customerIds).not.toContain(id);
      expect((await stage(id)).stage).toBe('churned');
      expect((await events(id, LIFECYCLE)).map((e) => e.to)).toEqual(['new', 'churned']);
    });
  });
});
