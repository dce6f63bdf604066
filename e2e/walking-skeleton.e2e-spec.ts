import { randomBytes } from 'node:crypto';
import { adminClient, bearer, eventually, readSpans, SPANS_FILE, stackInfo } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * The path every feature uses, black-box through the gateway: a customer created on the public API
 * is written with its event by customer-profile, and analytics learns of it through Kafka.
 */
describe('walking skeleton through the gateway', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  let agent: string;

  beforeAll(async () => {
    db = await adminClient();
    agent = await bearer('agent1');
  });
  afterAll(async () => {
    await db.end();
  });

  const analyticsCount = async () =>
    (
      await gateway()
        .get('/api/v1/analytics/customers/count')
        .set('authorization', await bearer('analyst'))
        .expect(200)
    ).body.count as number;
  const rowCounts = async () => {
    const { rows } = await db.query(
      `SELECT (SELECT count(*) FROM customer_profile.customers)::int AS customers,
              (SELECT count(*) FROM customer_profile.outbox)::int AS events`,
    );
    return rows[0] as { customers: number; events: number };
  };

  it('creates a customer and the analytics count goes up', async () => {
    const before = await analyticsCount();
    const response = await gateway()
      .post('/api/v1/customers')
      .set('authorization', agent)
      .send({ name: '王小明', email: ' XiaoMing.Wang@Example.com ', phone: '+8613800138000' })
      .expect(201);
    expect(response.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: '王小明',
      email: 'xiaoming.wang@example.com',
      phone: '+8613800138000',
      kind: 'person',
    });
    await gateway()
      .get(`/api/v1/customers/${response.body.id}`)
      .set('authorization', agent)
      .expect(200)
      .expect((r) => expect(r.body.name).toBe('王小明'));
    await eventually(
      async () => (await analyticsCount()) === before + 1,
      20_000,
      'analytics to count the new customer',
    );
  });

  it.each([
    ['bad JSON', '{"name": "Li', 'https://rapport.dev/problems/malformed-request', undefined],
    ['wrong types', JSON.stringify({ name: 42, email: true }), 'https://rapport.dev/problems/validation-error', 'name'],
    [
      'unknown fields',
      JSON.stringify({ name: 'Li Na', id: 'x', owner: 'me', createdAt: 'now' }),
      'https://rapport.dev/problems/validation-error',
      'id',
    ],
    [
      'a bad phone',
      JSON.stringify({ name: 'Li Na', phone: '12345' }),
      'https://rapport.dev/problems/validation-error',
      'phone',
    ],
    [
      'a missing name',
      JSON.stringify({ email: 'li@example.com' }),
      'https://rapport.dev/problems/validation-error',
      'name',
    ],
  ])('answers %s with a 400 problem+json and writes nothing', async (_, body, type, field) => {
    const before = await rowCounts();
    const response = await gateway()
      .post('/api/v1/customers')
      .set('authorization', agent)
      .set('content-type', 'application/json')
      .send(body)
      .expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type,
      status: 400,
      title: expect.any(String),
      instance: '/api/v1/customers',
    });
    if (field) expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await rowCounts()).toEqual(before);
  });

  it('answers unknown routes and bad ids with problem+json', async () => {
    await gateway()
      .get('/api/v1/nope')
      .set('authorization', agent)
      .expect(404)
      .expect('content-type', /problem\+json/);
    const bad = await gateway().get('/api/v1/customers/not-a-uuid').set('authorization', agent).expect(400);
    expect(bad.body.type).toBe('https://rapport.dev/problems/validation-error');
    const missing = await gateway()
      .get('/api/v1/customers/00000000-0000-4000-8000-000000000000')
      .set('authorization', agent)
      .expect(404);
    expect(missing.body.type).toBe('https://rapport.dev/problems/not-found');
  });

  it('refuses a request that skips the gateway', async () => {
    const response = await request(stackInfo().serviceUrls['customer-profile'])
      .post('/internal/v1/customers')
      .send({ name: 'Sneaky' })
      .expect(401);
    expect(response.body.type).toBe('https://rapport.dev/problems/unauthorized');
  });

  it('follows one trace from the gateway through customer-profile and Kafka to analytics', async () => {
    const traceId = randomBytes(16).toString('hex');
    const response = await gateway()
      .post('/api/v1/customers')
      .set('authorization', agent)
      .set('traceparent', `00-${traceId}-${randomBytes(8).toString('hex')}-01`)
      .send({ name: 'Trace Me' })
      .expect(201);
    expect(response.body.id).toBeDefined();
    const spans = await eventually(
      async () => {
        const inTrace = readSpans(SPANS_FILE).filter((s) => s.traceId === traceId);
        const has = (service: string, kind: number) => inTrace.some((s) => s.service === service && s.kind === kind);
        // kinds: 2 server, 3 client, 4 producer, 5 consumer
        return has('gateway', 2) && has('customer-profile', 2) && has('customer-profile', 4) && has('analytics', 5)
          ? inTrace
          : undefined;
      },
      20_000,
      'gateway, customer-profile (HTTP and Kafka producer) and analytics (Kafka consumer) spans in one trace',
    );
    const consumer = spans.find((s) => s.service === 'analytics' && s.kind === 5)!;
    const producer = spans.find((s) => s.service === 'customer-profile' && s.kind === 4)!;
    expect(consumer.parentSpanId).toBe(producer.spanId);
  });

  it('serves liveness, readiness and Prometheus metrics on every service', async () => {
    for (const url of Object.values(stackInfo().serviceUrls)) {
      await request(url).get('/health/live').expect(200, { status: 'ok' });
      await request(url)
        .get('/health/ready')
        .expect(200)
        .expect((r) => expect(r.body.checks).toMatchObject({ database: 'up', kafka: 'up' }));
      const metrics = await request(url).get('/metrics').expect(200);
      expect(metrics.text).toContain('http_server_request_duration_seconds');
      expect(metrics.text).toContain('process_cpu_seconds_total');
    }
  });

  it('publishes the OpenAPI 3.1 document and the docs page', async () => {
    const document = await gateway().get('/api/openapi.json').expect(200);
    expect(document.body.openapi).toBe('3.1.0');
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/customers', '/api/v1/customers/{id}', '/api/v1/analytics/customers/count']),
    );
    await gateway().get('/api/docs').expect(200).expect('content-type', /html/);
  });
});
