import { bearer, customerRequest, eventually, stackInfo } from '@rapport/testing';
import request from 'supertest';

/**
 * The KPIs and management views through the gateway, as the demo users call them (not the Grafana
 * dashboards of dashboards.e2e-spec.ts): each role gets its view, and what a role may not see is
 * refused with a problem. An agent's follow-up planned through interaction's API reaches their worklist.
 */
describe('analytics KPIs and dashboards through the gateway', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let agent1: string;
  let manager: string;
  let exec: string;
  let analyst: string;

  beforeAll(async () => {
    // one after the other: the embedded OpenID provider of a stack just started closed parallel requests once
    agent1 = await bearer('agent1');
    manager = await bearer('manager');
    exec = await bearer('exec');
    analyst = await bearer('analyst');
  });

  it("puts an agent's new follow-up on their worklist, and only theirs", async () => {
    const created = await gateway().post('/api/v1/customers').set('authorization', agent1).send(customerRequest());
    expect(created.status).toBe(201);
    const customerId = created.body.id as string;
    const dueAt = new Date(Date.now() + 2 * 86_400_000);
    dueAt.setUTCMilliseconds(0);
    // interaction learns of the customer from customer.created: until then it answers 422
    let followUp!: request.Response;
    await eventually(
      async () => {
        followUp = await gateway()
          .post('/api/v1/follow-ups')
          .set('authorization', agent1)
          .send({ customerId, dueAt: dueAt.toISOString(), channel: 'phone', note: 'KPI e2e' });
        return followUp.status === 201;
      },
      30_000,
      'interaction to plan the follow-up',
    );

    await eventually(
      async () => {
        const worklist = await gateway().get('/api/v1/analytics/dashboards/agent').set('authorization', agent1);
        return (
          worklist.status === 200 &&
          worklist.body.dueFollowUps.some((f: { followUpId: string }) => f.followUpId === followUp.body.id)
        );
      },
      30_000,
      "the follow-up on agent1's worklist",
    );
    const worklist = await gateway().get('/api/v1/analytics/dashboards/agent').set('authorization', agent1);
    expect(worklist.body.agent).toBe('agent1');
    expect(worklist.body.dueFollowUps).toContainEqual({
      followUpId: followUp.body.id,
      customerId,
      channel: 'phone',
      dueAt: dueAt.toISOString(),
    });
    const other = await gateway()
      .get('/api/v1/analytics/dashboards/agent')
      .set('authorization', await bearer('agent2'));
    expect(other.status).toBe(200);
    expect(other.body.agent).toBe('agent2');
    expect(JSON.stringify(other.body)).not.toContain(followUp.body.id);
  });

  it('shows executives and analysts the executive view, and refuses it to agents and managers with 403', async () => {
    for (const token of [exec, analyst]) {
      const view = await gateway()
        .get('/api/v1/analytics/dashboards/executive?period=week')
        .set('authorization', token);
      expect(view.status).toBe(200);
      expect(Object.keys(view.body.tierMix).sort()).toEqual(['A', 'B', 'C']);
      expect(view.body.kpis.current.kpis).toHaveProperty('revenue');
    }
    const agent = await gateway().get('/api/v1/analytics/dashboards/executive').set('authorization', agent1);
    expect(agent.status).toBe(403);
    expect(agent.headers['content-type']).toContain('application/problem+json');
    const byManager = await gateway().get('/api/v1/analytics/dashboards/executive').set('authorization', manager);
    expect(byManager.status).toBe(403);
    expect(byManager.headers['content-type']).toContain('application/problem+json');
    expect(byManager.body).toMatchObject({ code: 'role-not-allowed' });
  });

  it("shows a manager their own team and refuses another team's view and figures", async () => {
    const own = await gateway().get('/api/v1/analytics/dashboards/manager').set('authorization', manager);
    expect(own.status).toBe(200);
    expect(own.body.team).toBe('north');
    const other = await gateway().get('/api/v1/analytics/dashboards/manager?team=south').set('authorization', manager);
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect(other.body).toMatchObject({ code: 'team-not-yours' });

    const kpis = await gateway().get('/api/v1/analytics/kpis?interval=week').set('authorization', manager);
    expect(kpis.status).toBe(200);
    expect(kpis.body.scope).toEqual({ team: 'north', agent: null });
    expect(kpis.body.intervals).toHaveLength(12);
    const otherKpis = await gateway().get('/api/v1/analytics/kpis?team=south').set('authorization', manager);
    expect(otherKpis.status).toBe(422);
    expect(otherKpis.body).toMatchObject({ code: 'team-not-yours' });

    // agents hold no analytics:read: the KPIs and the manager view are refused at the gateway
    for (const path of ['/api/v1/analytics/kpis', '/api/v1/analytics/dashboards/manager']) {
      const refused = await gateway().get(path).set('authorization', agent1);
      expect(refused.status).toBe(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('answers bad input with a 400 problem naming the field, and no token with 401', async () => {
    const bad = await gateway().get('/api/v1/analytics/kpis?interval=day').set('authorization', exec);
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(bad.body)).toContain('interval');
    const badTime = await gateway().get('/api/v1/analytics/kpis?from=yesterday').set('authorization', exec);
    expect(badTime.status).toBe(400);
    const badTeam = await gateway().get('/api/v1/analytics/dashboards/manager?team=%20x').set('authorization', exec);
    expect(badTeam.status).toBe(400);
    expect((await gateway().get('/api/v1/analytics/dashboards/agent')).status).toBe(401);
  });
});
