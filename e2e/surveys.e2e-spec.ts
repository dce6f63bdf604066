import { Topics } from '@rapport/contracts';
import { adminClient, bearer, collectRecords, customerRequest, eventually, stackInfo, testBus } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * A satisfaction survey through the gateway, as a marketing or service manager runs it: created,
 * customers invited, each customer answering through the signed public link without an account, the
 * results as a hand count gives them, and survey.responded on interaction's topic for analytics.
 */
describe('surveys through the gateway', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  let manager: string;

  beforeAll(async () => {
    db = await adminClient();
    manager = await bearer('manager');
  });
  afterAll(async () => {
    await db.end();
  });

  const customer = async (): Promise<string> => {
    const id = (
      await gateway()
        .post('/api/v1/customers')
        .query({ force: 'true' })
        .set('authorization', manager)
        .send(customerRequest())
        .expect(201)
    ).body.id as string;
    await eventually(
      async () =>
        ((await db.query('SELECT 1 FROM interaction.customer_refs WHERE customer_id = $1', [id])).rowCount ?? 0) === 1,
      20_000,
      'interaction to know the customer',
    );
    return id;
  };

  it('invites customers, takes their answers through the public link once, and counts the NPS', async () => {
    const customers = [await customer(), await customer(), await customer()];
    const bus = testBus();
    const topic = await collectRecords(bus, Topics.interactions.name, (r) => customers.includes(r.key ?? ''));
    try {
      const created = await gateway()
        .post('/api/v1/surveys')
        .set('authorization', manager)
        .send({ name: 'Winter tasting', questions: [{ id: 'recommend', type: 'nps', text: 'Recommend us?' }] })
        .expect(201);
      const surveyId = created.body.id as string;
      const invited = await gateway()
        .post(`/api/v1/surveys/${surveyId}/invitations`)
        .set('authorization', manager)
        .send({ customerIds: customers })
        .expect(201);
      const links = (invited.body.invited as Array<{ customerId: string; link: string }>).map((i) => i.link);
      expect(links).toHaveLength(3);

      // no authorization header: the link's token is the authority
      for (const [i, link] of links.entries()) {
        expect((await gateway().get(link).expect(200)).body.questions[0]).toMatchObject({ id: 'recommend', max: 10 });
        await gateway()
          .post(`${link}/responses`)
          .send({ answers: [{ questionId: 'recommend', score: [10, 9, 3][i] }] })
          .expect(201);
      }
      await gateway()
        .post(`${links[0]}/responses`)
        .send({ answers: [{ questionId: 'recommend', score: 1 }] })
        .expect(409);

      const results = await gateway()
        .get(`/api/v1/surveys/${surveyId}/results`)
        .set('authorization', manager)
        .expect(200);
      // the customer's 360 view shows their latest answer's scores
      const view = await gateway()
        .get(`/api/v1/customers/${customers[2]}/360`)
        .set('authorization', manager)
        .expect(200);
      expect(view.body.surveys.items).toEqual([
        expect.objectContaining({ surveyId, scores: [{ questionId: 'recommend', type: 'nps', value: 3 }] }),
      ]);
      // 2 promoters, 1 detractor of 3: 66.7 − 33.3 = 33.3
      expect(results.body.questions[0].nps).toMatchObject({ score: 33.3, promoters: 2, detractors: 1, n: 3 });
      await gateway()
        .get(`/api/v1/surveys/${surveyId}/results`)
        .set('authorization', await bearer('agent1'))
        .expect(200);
      await gateway()
        .post('/api/v1/surveys')
        .set('authorization', await bearer('agent1'))
        .send({ name: 'x', questions: [{ id: 'q', type: 'nps', text: 'x' }] })
        .expect(403);

      await eventually(
        async () =>
          topic.records.filter((r) => r.headers['ce_type'] === 'rapport.interaction.survey.responded.v1').length === 3,
        30_000,
        'three survey.responded events on the interactions topic',
      );
      // the invitation is audited with the customers it concerns
      const audit = await db.query(
        `SELECT 1 FROM gateway.audit_log a JOIN gateway.audit_subjects s ON s.audit_id = a.id
          WHERE a.action = 'survey.invite' AND a.resource_id = $1 AND s.customer_id = $2`,
        [surveyId, customers[0]],
      );
      expect(audit.rowCount).toBe(1);
    } finally {
      await topic.stop();
      await bus.close();
    }
  });
});
