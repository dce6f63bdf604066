import { identifierDigest } from '@rapport/platform-auth';
import { stackInfo } from '@rapport/testing';
import { randomUUID } from 'node:crypto';
import {
  ConsentChangedV1,
  createEnvelope,
  CustomerCreatedV1,
  CustomerErasedV1,
  CustomerMergedV1,
  LifecycleChangedV1,
  OwnershipChangedV1,
  PurchaseRecordedV1,
  Topics,
  toBinaryMode,
  type EventEnvelope,
} from '@rapport/contracts';
import type { RecordProducer } from '@rapport/platform-messaging';

/** customer-profile's customer events as it publishes them: keyed (subject) by the customer they are about. */
export const customerCreated = (customerId: string = randomUUID(), kind: 'person' | 'organisation' = 'person') =>
  createEnvelope(CustomerCreatedV1, customerId, { customerId, kind, createdAt: new Date().toISOString() });

/** A customer whose identifiers include wechat_openid (customer-profile sends its digest with customer.created). */
export const customerCreatedWithOpenid = (
  customerId: string,
  wechatOpenid: string,
  kind: 'person' | 'organisation' = 'person',
) =>
  createEnvelope(CustomerCreatedV1, customerId, {
    customerId,
    kind,
    createdAt: new Date().toISOString(),
    wechatOpenidDigest: identifierDigest(stackInfo().internalAuthSecret, 'wechat-openid', wechatOpenid),
  });

/** Published under the survivor's key, so it may overtake events of the merged customer. */
export const customerMerged = (mergedId: string, survivorId: string) =>
  createEnvelope(CustomerMergedV1, survivorId, {
    customerId: survivorId,
    survivorId,
    mergedId,
    mergedAt: new Date().toISOString(),
  });

export const customerErased = (customerId: string) =>
  createEnvelope(CustomerErasedV1, customerId, { customerId, erasedAt: new Date().toISOString() });

/** A purchase as customer-profile publishes it on its purchases stream (publish with publishPurchase). */
export const purchaseRecorded = (customerId: string) =>
  createEnvelope(PurchaseRecordedV1, customerId, {
    purchaseId: randomUUID(),
    customerId,
    externalOrderId: `order-${randomUUID().slice(0, 8)}`,
    currency: 'CNY',
    total: '128.00',
    baseCurrency: 'CNY',
    totalBase: '128.00',
    lines: [{ sku: 'tea-1', quantity: 1, unitPrice: '128.00', lineTotal: '128.00' }],
    occurredAt: new Date().toISOString(),
    firstPurchase: false,
  });

export const consentChanged = (customerId: string, granted: boolean, purpose: 'marketing' | 'service' = 'marketing') =>
  createEnvelope(ConsentChangedV1, customerId, {
    customerId,
    channel: 'email',
    purpose,
    granted,
    changedAt: new Date().toISOString(),
  });

export async function publishPurchase(producer: RecordProducer, event: EventEnvelope): Promise<void> {
  await producer.send([{ topic: Topics.purchases.name, ...toBinaryMode(event) }]);
}

/** customer.created of a customer with an owner (who works the cadences its lifecycle moves start). */
export const customerCreatedFor = (customerId: string, ownerId: string, team: string) =>
  createEnvelope(CustomerCreatedV1, customerId, {
    customerId,
    kind: 'person',
    ownerId,
    team,
    createdAt: new Date().toISOString(),
  });

export const lifecycleChanged = (
  customerId: string,
  from: 'active' | 'at_risk' | null,
  to: 'active' | 'at_risk' | 'churned',
) =>
  createEnvelope(LifecycleChangedV1, customerId, {
    customerId,
    from,
    to,
    reason: 'churn risk 0.82 from analytics',
    changedAt: new Date().toISOString(),
  });

export const customerReleased = (customerId: string, previousOwnerId: string, team: string) =>
  createEnvelope(OwnershipChangedV1, customerId, {
    customerId,
    change: 'released',
    ownerId: null,
    team,
    previousOwnerId,
    changedAt: new Date().toISOString(),
  });
