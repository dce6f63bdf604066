import { randomBytes } from 'node:crypto';
import { bearer, eventually, stackInfo } from '@rapport/testing';
import request from 'supertest';

/** A span as Zipkin's API returns it (/api/v2/trace/{traceId}). */
interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

/**
 * The trace UI of the local stack (Zipkin, started by the stack as for `npm start`): the trace id a
 * client sees opens the whole path, gateway → service → outbox → Kafka → consumer → database.
 */
describe('traces in the local trace UI', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  const traces = () => {
    const info = stackInfo().traces;
    if (!info) throw new Error('the test stack started no trace backend (StackOptions.traces)');
    return info;
  };
  const traceOf = async (traceId: string): Promise<ZipkinSpan[]> => {
    const response = await fetch(`${traces().apiUrl}/trace/${traceId}`);
    return response.ok ? ((await response.json()) as ZipkinSpan[]) : [];
  };
  const serviceOf = (span: ZipkinSpan) => span.localEndpoint?.serviceName;

  it('serves its UI', async () => {
    const response = await fetch(traces().uiUrl);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<html');
  });

  it('holds one trace from the gateway through customer-profile, its outbox and Kafka to the consumers and their database', async () => {
    const traceId = randomBytes(16).toString('hex');
    await gateway()
      .post('/api/v1/customers')
      .set('authorization', await bearer('agent1'))
      .set('traceparent', `00-${traceId}-${randomBytes(8).toString('hex')}-01`)
      .send({ name: 'Trace In Zipkin' })
      .expect(201);

    const spans = await eventually(
      async () => {
        const trace = await traceOf(traceId);
        const has = (service: string, kind: ZipkinSpan['kind']) =>
          trace.some((s) => serviceOf(s) === service && s.kind === kind);
        return has('gateway', 'SERVER') &&
          has('customer-profile', 'SERVER') &&
          has('customer-profile', 'PRODUCER') &&
          has('analytics', 'CONSUMER')
          ? trace
          : undefined;
      },
      30_000,
      `gateway, customer-profile and analytics spans of trace ${traceId} in Zipkin`,
    );
    const byId = new Map(spans.map((s) => [s.id, s]));
    const producer = spans.find((s) => serviceOf(s) === 'customer-profile' && s.kind === 'PRODUCER')!;
    const consumer = spans.find((s) => serviceOf(s) === 'analytics' && s.kind === 'CONSUMER')!;
    expect(consumer.parentId).toBe(producer.id);
    // OpenTelemetry messaging semantic conventions on both Kafka hops.
    expect(producer.tags).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.destination.name': expect.stringMatching(/customer/),
      'messaging.kafka.message.key': expect.any(String),
    });
    expect(consumer.tags).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': producer.tags!['messaging.destination.name'],
      'messaging.consumer.group.name': expect.stringMatching(/analytics/),
      'messaging.destination.partition.id': expect.any(String),
      'messaging.kafka.offset': expect.any(String),
    });
    // The outbox insert (a database span of customer-profile's request) and the consumer's own writes.
    const underConsumer = (span: ZipkinSpan): boolean => {
      for (
        let parent = span.parentId && byId.get(span.parentId);
        parent;
        parent = parent.parentId ? byId.get(parent.parentId) : undefined
      ) {
        if (parent.id === consumer.id) return true;
      }
      return false;
    };
    const isDatabase = (span: ZipkinSpan) => (span.tags?.['db.system'] ?? span.tags?.['db.system.name']) !== undefined;
    expect(spans.some((s) => serviceOf(s) === 'customer-profile' && isDatabase(s))).toBe(true);
    expect(spans.some((s) => serviceOf(s) === 'analytics' && isDatabase(s) && underConsumer(s))).toBe(true);
  });

  it("opens a failed request's trace from the traceId of its problem+json", async () => {
    const response = await gateway()
      .post('/api/v1/customers')
      .set('authorization', await bearer('agent1'))
      .send({ name: '' });
    expect(response.status).toBe(400);
    const traceId = (response.body as { traceId?: string }).traceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    await eventually(
      async () => (await traceOf(traceId!)).some((s) => serviceOf(s) === 'gateway' && s.kind === 'SERVER'),
      30_000,
      `the gateway's span of the failed request's trace ${traceId} in Zipkin`,
    );
  });
});
