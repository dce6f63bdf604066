import { randomUUID } from 'node:crypto';
import { startServiceInProcess, TEST_CALLERS, type InProcessService } from '@rapport/testing';
import { AppModule } from '../app.module';

/**
 * Medium tier: customer-profile booted in this process against the stack's PostgreSQL and Kafka,
 * called on its internal API as the gateway would (signed caller identity), without the gateway.
 * The service checks the caller again (defence in depth) and keeps the rules of custom fields itself.
 */
describe('custom fields in customer-profile (in process)', () => {
  let sut: InProcessService;

  beforeAll(async () => {
    sut = await startServiceInProcess('customer-profile', AppModule);
  }, 60_000);

  afterAll(() => sut?.stop());

  const key = () => `x_${randomUUID().slice(0, 8)}`;

  it('defines a field once; a second definition of the key is a 409 naming it', async () => {
    const admin = await sut.as(TEST_CALLERS.admin);
    const k = key();
    const created = await sut
      .http()
      .post('/internal/v1/custom-fields')
      .set(admin)
      .send({ key: k, type: 'enum', allowedValues: ['a', 'b', 'a'] })
      .expect(201);
    expect(created.body).toMatchObject({ key: k, type: 'enum', allowedValues: ['a', 'b'], required: false });
    const again = await sut
      .http()
      .post('/internal/v1/custom-fields')
      .set(admin)
      .send({ key: k, type: 'string' })
      .expect(409);
    expect(again.body.errors).toEqual([{ field: 'key', message: `key ${k} is already defined` }]);
    const list = await sut
      .http()
      .get('/internal/v1/custom-fields')
      .set(await sut.as(TEST_CALLERS.analyst))
      .expect(200);
    expect(list.body.items.filter((f: { key: string }) => f.key === k)).toHaveLength(1);
  });

  it('lists allowed values for enum fields only', async () => {
    const admin = await sut.as(TEST_CALLERS.admin);
    const none = await sut
      .http()
      .post('/internal/v1/custom-fields')
      .set(admin)
      .send({ key: key(), type: 'enum' })
      .expect(400);
    expect(none.body.errors[0].field).toBe('allowedValues');
    const extra = await sut
      .http()
      .post('/internal/v1/custom-fields')
      .set(admin)
      .send({ key: key(), type: 'number', allowedValues: ['1'] })
      .expect(400);
    expect(extra.body.errors[0].field).toBe('allowedValues');
  });

  it('checks the caller itself: no identity is 401, an agent defining a field is 403', async () => {
    const anonymous = await sut.http().get('/internal/v1/custom-fields').expect(401);
    expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
    await sut
      .http()
      .post('/internal/v1/custom-fields')
      .set(await sut.as(TEST_CALLERS.agent1))
      .send({ key: key(), type: 'string' })
      .expect(403);
    await sut
      .http()
      .post('/internal/v1/custom-fields')
      .set({ 'x-rapport-identity': 'forged' })
      .send({ key: key(), type: 'string' })
      .expect(401);
  });
});
