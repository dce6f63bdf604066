import { randomUUID } from 'node:crypto';
import { bearer, customerRequest, describeSubjectRightsConformance, stackInfo } from '@rapport/testing';
import request from 'supertest';

/** customer-profile in the subject-rights conformance suite: data stored through its API, read back from its section. */
describeSubjectRightsConformance('customer-profile', {
  seed: async () => {
    const gateway = () => request(stackInfo().gatewayUrl);
    const agent1 = await bearer('agent1');
    const customer = (
      await gateway().post('/api/v1/customers').set('authorization', agent1).send(customerRequest()).expect(201)
    ).body as { id: string; name: string };
    const orderId = `SR-${randomUUID()}`;
    const purchase = (
      await gateway()
        .post(`/api/v1/customers/${customer.id}/purchases`)
        .set('authorization', agent1)
        .send({
          externalOrderId: orderId,
          currency: 'CNY',
          occurredAt: '2026-11-20T10:15:00+08:00',
          lines: [{ sku: 'TEA-001', name: '西湖龙井', quantity: 2, unitPrice: 88.5 }],
        })
        .expect(201)
    ).body as { id: string };
    await gateway()
      .post(`/api/v1/customers/${customer.id}/purchases/${purchase.id}/refunds`)
      .set('authorization', agent1)
      .send({ amount: '10.00', reason: 'dented tin' })
      .expect(201);
    await gateway()
      .post(`/api/v1/customers/${customer.id}/consents`)
      .set('authorization', agent1)
      .send({ channel: 'sms', purpose: 'marketing', granted: true, source: 'store' })
      .expect(201);
    return {
      customerId: customer.id,
      expected: {
        profile: { id: customer.id, name: customer.name },
        purchases: [
          {
            id: purchase.id,
            externalOrderId: orderId,
            total: '177.00',
            refunded: '10.00',
            lines: [{ lineNo: 1, sku: 'TEA-001', quantity: 2, unitPrice: '88.50' }],
            refunds: [{ amount: '10.00', reason: 'dented tin' }],
          },
        ],
        consents: [{ channel: 'sms', purpose: 'marketing', granted: true }],
        segmentMemberships: [],
      },
    };
  },
});
