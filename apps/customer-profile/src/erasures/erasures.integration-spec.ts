import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  ErasureAcknowledgedV1,
  Topics,
  toBinaryMode,
  type AcknowledgingService,
  type ErasureAcknowledgement,
} from '@rapport/contracts';
import type { MessageBus, RecordProducer } from '@rapport/platform-messaging';
import { adminClient, bearer, customerRequest, eventually, stackInfo, testBus } from '@rapport/testing';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { Client } from 'pg';
import request from 'supertest';
import { expectedServices } from './erasures.service';

/**
 * customer-profile's side of an erasure request against the real stack: the request opened by DELETE,
 * and the acknowledgements it consumes. The other services' acknowledgements are published here as
 * they publish them (their event on their own stream), so that what customer-profile does with one —
 * a first, a duplicate, one for an unknown request — is checked whatever those services do today.
 */
describe('erasure requests and acknowledgements (customer-profile)', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  let bus: MessageBus;
  let producer: RecordProducer;
  let agent1: string;

  const acknowledge = (service: AcknowledgingService, data: ErasureAcknowledgement) => {
    const definition = ErasureAcknowledgedV1[service];
    return producer.send([
      { topic: Topics[definition.topic].name, ...toBinaryMode(createEnvelope(definition, data.customerId, data)) },
    ]);
  };
  const acknowledgements = async (erasureId: string) =>
    (
      await db.query(
        `SELECT service, removed FROM customer_profile.erasure_acknowledgements WHERE erasure_id = $1 ORDER BY service`,
        [erasureId],
      )
    ).rows as Array<{
      service: string;
      removed: Record<string, number>;
    }>;
  const erase = async () => {
    const created = await gateway()
      .post('/api/v1/customers')
      .set('authorization', agent1)
      .send(customerRequest())
      .expect(201);
    const deleted = await gateway()
      .delete(`/api/v1/customers/${created.body.id}`)
      .set('authorization', agent1)
      .expect(202);
    return { customerId: created.body.id as string, erasureId: deleted.body.id as string };
  };
  const ack = (customerId: string, erasureId: string, removed: Record<string, number>): ErasureAcknowledgement => ({
    customerId,
    erasureId,
    removed,
    kept: [],
    acknowledgedAt: new Date().toISOString(),
  });

  beforeAll(async () => {
    db = await adminClient();
    bus = testBus();
    producer = bus.producer();
    agent1 = await bearer('agent1');
  });

  afterAll(async () => {
    await producer.disconnect();
    await bus.close();
    await db.end();
  });

  it('waits for the registered participants only, and stores the request with customer-profile’s acknowledgement in the erasure’s transaction', async () => {
    expect(expectedServices()).toContain('customer-profile');
    const { customerId, erasureId } = await erase();
    const { rows } = await db.query(
      `SELECT customer_id, requested_by, expected_services FROM customer_profile.erasure_requests WHERE id = $1`,
      [erasureId],
    );
    expect(rows).toEqual([{ customer_id: customerId, requested_by: 'agent1', expected_services: expectedServices() }]);
    expect((await acknowledgements(erasureId)).map((a) => a.service)).toContain('customer-profile');
    // customer.erased carries the request's id; customer-profile's acknowledgement is published too (for symmetry)
    const { rows: events } = await db.query(
      `SELECT event_type FROM customer_profile.outbox WHERE message_key = $1 AND strpos(payload, $2) > 0 ORDER BY seq`,
      [customerId, erasureId],
    );
    expect(events.map((e) => e.event_type)).toEqual([
      'rapport.customer-profile.customer.erased.v1',
      'rapport.customer-profile.erasure.acknowledged.v1',
    ]);
  });

  it('completes the request on the last expected acknowledgement, records each service once, and the gateway then signs its receipt', async () => {
    const { customerId, erasureId } = await erase();
    const others = expectedServices().filter((s) => s !== 'customer-profile');
    for (const service of others) {
      await acknowledge(service, ack(customerId, erasureId, { standIn: 1 }));
      await acknowledge(service, ack(customerId, erasureId, { standIn: 2 })); // a second answer of the same service
    }
    const done = await eventually(
      async () => {
        const body = (await gateway().get(`/api/v1/erasures/${erasureId}`).set('authorization', agent1).expect(200))
          .body;
        return body.state === 'completed' ? body : undefined;
      },
      30_000,
      'the erasure to complete',
    );
    expect(done.completedAt).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // let the duplicates land
    const recorded = await acknowledgements(erasureId);
    expect(recorded.map((a) => a.service).sort()).toEqual(expect.arrayContaining(expectedServices()));
    for (const service of others) {
      const rows = recorded.filter((a) => a.service === service);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.removed).not.toEqual({ standIn: 2 }); // the first answer stands
    }

    const receipt = await gateway()
      .get(`/api/v1/erasures/${erasureId}/receipt`)
      .set('authorization', agent1)
      .expect(200);
    const jwks = (await gateway().get('/api/v1/erasures/jwks.json').expect(200)).body as JSONWebKeySet;
    const { payload } = await compactVerify(receipt.body.jws, createLocalJWKSet(jwks));
    const signed = JSON.parse(new TextDecoder().decode(payload));
    expect(signed).toMatchObject({ erasureId, customerId, completedAt: done.completedAt });
    expect(signed.services.map((s: { service: string }) => s.service)).toEqual(
      expect.arrayContaining(expectedServices()),
    );
  });

  it('ignores an acknowledgement for an unknown request or naming another customer', async () => {
    const { customerId, erasureId } = await erase();
    const unknown = randomUUID();
    await acknowledge('loyalty', ack(customerId, unknown, { standIn: 1 }));
    await acknowledge('loyalty', ack(randomUUID(), erasureId, { standIn: 3 }));
    await acknowledge('loyalty', ack(customerId, erasureId, { standIn: 4 })); // same partition, after the two above
    await eventually(
      async () => (await acknowledgements(erasureId)).some((a) => a.service === 'loyalty'),
      30_000,
      'loyalty’s acknowledgement',
    );
    expect(
      (
        await db.query(
          `SELECT count(*)::int AS n FROM customer_profile.erasure_acknowledgements WHERE erasure_id = $1`,
          [unknown],
        )
      ).rows[0].n,
    ).toBe(0);
    expect((await acknowledgements(erasureId)).find((a) => a.service === 'loyalty')!.removed).not.toEqual({
      standIn: 3,
    });
  });
});
