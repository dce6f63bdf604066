import { createEnvelope, EnvelopeDecodeError, fromBinaryMode, toBinaryMode } from './envelope';
import { CustomerCreatedV1 } from './events/customer-profile.events';
import { allTopics, Topics } from './topics';
import { allEventDefinitions, eventDefinitionOf } from './event-catalog';

describe('CloudEvents binary mode', () => {
  const data = {
    customerId: '6d4015a7-15fe-4d44-b6fe-9fdaa4350479',
    kind: 'person' as const,
    createdAt: '2026-11-23T03:45:43.437Z',
  };

  it('puts the attributes in ce_* headers, the subject in the key and the data in the value', () => {
    const envelope = {
      ...createEnvelope(CustomerCreatedV1, data.customerId, data),
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    };
    const sut = toBinaryMode(envelope);
    expect(sut.key).toBe(data.customerId);
    expect(JSON.parse(sut.value)).toEqual(data);
    expect(sut.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: envelope.id,
      ce_type: 'rapport.customer-profile.customer.created.v1',
      ce_source: '/rapport/customer-profile',
      ce_subject: data.customerId,
      'content-type': 'application/json',
      traceparent: envelope.traceparent,
      ce_traceparent: envelope.traceparent,
    });
    expect(fromBinaryMode(sut.headers, sut.value)).toEqual(envelope);
  });

  it('refuses records that are not CloudEvents', () => {
    expect(() => fromBinaryMode({}, '{}')).toThrow(EnvelopeDecodeError);
    const { headers } = toBinaryMode(createEnvelope(CustomerCreatedV1, data.customerId, data));
    expect(() => fromBinaryMode(headers, 'not json')).toThrow('value is not JSON');
    expect(() => fromBinaryMode({ ...headers, ce_specversion: '0.3' }, '{}')).toThrow('unsupported ce_specversion');
  });
});

describe('event catalog and topic registry', () => {
  it('validates payloads against the contract', () => {
    expect(CustomerCreatedV1.schema.safeParse({ customerId: 'nope', kind: 'person', createdAt: 'x' }).success).toBe(
      false,
    );
  });

  it('knows every event type and routes each to a registered topic', () => {
    for (const definition of allEventDefinitions()) {
      expect(eventDefinitionOf(definition.type)).toBe(definition);
      expect(Object.keys(Topics)).toContain(definition.topic);
    }
  });

  it('names every topic once, with a dead-letter topic per consuming service', () => {
    const names = allTopics().map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining(['rapport.analytics.dlq', 'rapport.loyalty.dlq', 'rapport.customer-profile.customers']),
    );
    expect(names).not.toContain('rapport.gateway.dlq');
  });
});
