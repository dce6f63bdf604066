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
} from '@rapport/testing';
import { AppModule } from '../app.module';
import { customerCreated } from '../../test/factories/customer-events';

/**
 * Medium tier: surveys against the stack's PostgreSQL and Kafka. Customers come from customer events,
 * as in production; answers come through the signed public links of their invitations.
 */
describe('surveys in interaction (in process)', () => {
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

  const knownCustomers = async (count: number): Promise<string[]> => {
    const ids = Array.from({ length: count }, () => randomUUID());
    await publishCustomerEvents(clients.producer, ...ids.map((id) => customerCreated(id)));
    await eventually(
      async () =>
        (await clients.db.query('SELECT 1 FROM interaction.customer_refs WHERE customer_id = ANY($1::uuid[])', [ids]))
          .rowCount === count,
      20_000,
      'interaction to know the customers',
    );
    return ids;
  };

  const survey = async () =>
    (
      await sut
        .http()
        .post('/internal/v1/surveys')
        .set(await sut.as(TEST_CALLERS.manager))
        .send({
          name: 'After-sales 2026 Q4',
          questions: [
            { id: 'recommend', type: 'nps', text: 'How likely are you to recommend us?' },
            { id: 'satisfied', type: 'csat', text: 'How satisfied are you with the service?', required: false },
            {
              id: 'why',
              type: 'multiple',
              text: 'What mattered?',
              options: ['price', 'quality', 'service'],
              required: false,
            },
            { id: 'words', type: 'text', text: 'Anything else?', required: false },
          ],
        })
        .expect(201)
    ).body as { id: string; questions: Array<{ id: string; min: number | null; max: number | null }> };

  const invite = async (surveyId: string, customerIds: string[]) =>
    (
      await sut
        .http()
        .post(`/internal/v1/surveys/${surveyId}/invitations`)
        .set(await sut.as(TEST_CALLERS.manager))
        .send({ customerIds })
        .expect(201)
    ).body as {
      invited: Array<{ customerId: string; invitationId: string; link: string }>;
      alreadyInvited: string[];
      unknown: string[];
    };

  /** The link as the gateway forwards it. */
  const internal = (link: string) => link.replace('/api/v1/', '/internal/v1/');

  it('gives the NPS, CSAT and distribution a hand count gives, and publishes each response’s scores', async () => {
    const { id, questions } = await survey();
    expect(questions.map((q) => [q.id, q.min, q.max])).toEqual([
      ['recommend', 0, 10],
      ['satisfied', 1, 5],
      ['why', null, null],
      ['words', null, null],
    ]);
    const customers = await knownCustomers(10);
    const stranger = randomUUID();
    const invitations = await invite(id, [...customers, stranger]);
    expect(invitations.invited).toHaveLength(10);
    expect(invitations.unknown).toEqual([stranger]);
    expect((await invite(id, customers.slice(0, 2))).alreadyInvited).toEqual(customers.slice(0, 2));

    // 5 promoters, 3 passives, 2 detractors (a 0 among them): NPS 50 % − 20 % = 30
    const nps = [10, 9, 9, 10, 9, 8, 7, 8, 6, 0];
    const satisfied = [5, 4, 3, 5, 2];
    for (const [i, invitation] of invitations.invited.entries()) {
      const answers: Array<Record<string, unknown>> = [{ questionId: 'recommend', score: nps[i] }];
      if (i < satisfied.length) answers.push({ questionId: 'satisfied', score: satisfied[i] });
      if (i < 3) answers.push({ questionId: 'why', choices: i === 0 ? ['price', 'service'] : ['service'] });
      if (i === 0) answers.push({ questionId: 'words', text: '王小明: the tea was excellent' });
      const page = await sut.http().get(internal(invitation.link)).expect(200);
      expect(page.body).toMatchObject({ name: 'After-sales 2026 Q4', answered: false });
      await sut
        .http()
        .post(`${internal(invitation.link)}/responses`)
        .send({ answers })
        .expect(201);
    }

    const results = await sut
      .http()
      .get(`/internal/v1/surveys/${id}/results`)
      .set(await sut.as(TEST_CALLERS.manager))
      .expect(200);
    expect(results.body.responses).toBe(10);
    const [recommend, satisfaction, why, words] = results.body.questions;
    expect(recommend).toMatchObject({
      n: 10,
      nps: { score: 30, promoters: 5, passives: 3, detractors: 2, n: 10 },
      average: 7.6,
    });
    expect(recommend.distribution.find((d: { value: string }) => d.value === '0')).toEqual({ value: '0', count: 1 });
    expect(recommend.distribution).toHaveLength(11);
    expect(recommend.trend).toEqual([{ periodStart: expect.any(String), n: 10, score: 30 }]);
    expect(satisfaction).toMatchObject({ n: 5, csat: { percent: 60, satisfied: 3, n: 5 } });
    expect(why).toMatchObject({
      n: 3,
      distribution: [
        { value: 'price', count: 1 },
        { value: 'quality', count: 0 },
        { value: 'service', count: 3 },
      ],
    });
    expect(words.openAnswers).toEqual([{ text: '王小明: the tea was excellent', answeredAt: expect.any(String) }]);
    // without pii:read the customer's words are masked
    const masked = await sut
      .http()
      .get(`/internal/v1/surveys/${id}/results`)
      .set(await sut.as(TEST_CALLERS.analyst))
      .expect(200);
    expect(masked.body.questions[3].openAnswers[0].text).not.toContain('王小明');

    const events = await clients.db.query<{ payload: string; message_key: string }>(
      `SELECT payload, message_key FROM interaction.outbox
        WHERE event_type = 'rapport.interaction.survey.responded.v1' AND payload::jsonb->>'surveyId' = $1`,
      [id],
    );
    expect(events.rowCount).toBe(10);
    const first = events.rows
      .map((r) => ({ key: r.message_key, data: JSON.parse(r.payload) }))
      .find((e) => e.key === customers[0]);
    expect(first!.data.scores).toEqual([
      { questionId: 'recommend', type: 'nps', value: 10 },
      { questionId: 'satisfied', type: 'csat', value: 5 },
    ]);
    expect(JSON.stringify(first!.data)).not.toContain('excellent');
  });

  it('takes one answer per link: a second is 409, a forged or foreign link 403, an answer off the survey 422 naming it', async () => {
    const { id } = await survey();
    const [customer] = await knownCustomers(1);
    const [invitation] = (await invite(id, [customer!])).invited;
    const link = internal(invitation!.link);
    const bad = await sut
      .http()
      .post(`${link}/responses`)
      .send({ answers: [{ questionId: 'recommend', score: 11 }] })
      .expect(400);
    expect(bad.body.errors[0].field).toMatch(/score/);
    const offScale = await sut
      .http()
      .post(`${link}/responses`)
      .send({ answers: [{ questionId: 'satisfied', score: 0 }] })
      .expect(422);
    expect(offScale.body).toMatchObject({ code: 'invalid-response' });
    expect(offScale.body.errors.map((e: { field: string }) => e.field)).toEqual(['answers[0].score', 'answers']);
    await sut
      .http()
      .post(`${link}/responses`)
      .send({ answers: [{ questionId: 'recommend', score: 7 }] })
      .expect(201);
    const again = await sut
      .http()
      .post(`${link}/responses`)
      .send({ answers: [{ questionId: 'recommend', score: 7 }] })
      .expect(409);
    expect(again.body.code).toBe('survey-already-answered');
    expect((await sut.http().get(link).expect(200)).body.answered).toBe(true);
    const token = link.split('/').pop()!;
    const [payload, mac] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ i: randomUUID(), e: 4_102_444_800 })).toString('base64url');
    for (const wrong of [`${forged}.${mac}`, `${payload}.x${mac}`, 'garbage'])
      expect((await sut.http().get(`/internal/v1/public/surveys/${wrong}`).expect(403)).body.code).toBe(
        'survey-link-invalid',
      );
  });

  it('refuses choice questions without options and options elsewhere (422 naming the field), and callers without the scope', async () => {
    const manager = await sut.as(TEST_CALLERS.manager);
    const invalid = await sut
      .http()
      .post('/internal/v1/surveys')
      .set(manager)
      .send({ name: 'x', questions: [{ id: 'pick', type: 'single', text: 'Pick one' }] })
      .expect(422);
    expect(invalid.body).toMatchObject({ code: 'invalid-survey', errors: [{ field: 'questions[0].options' }] });
    await sut
      .http()
      .post('/internal/v1/surveys')
      .set(await sut.as(TEST_CALLERS.analyst))
      .send({ name: 'x', questions: [{ id: 'q', type: 'nps', text: 'Recommend?' }] })
      .expect(403);
    await sut.http().get(`/internal/v1/surveys/${randomUUID()}`).set(manager).expect(404);
  });
});
