import { randomUUID } from 'node:crypto';
import { createEnvelope, CustomerCreatedV1, CustomerErasedV1, CustomerMergedV1 } from '@rapport/contracts';

/** customer-profile's customer events as it publishes them: keyed (subject) by the customer they are about. */
export const customerCreated = (
  customerId: string = randomUUID(),
  kind: 'person' | 'organisation' = 'person',
  owner: { ownerId: string; team: string } | null = null,
  createdAt: Date = new Date(),
) =>
  createEnvelope(CustomerCreatedV1, customerId, {
    customerId,
    kind,
    ...(owner ?? {}),
    createdAt: createdAt.toISOString(),
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
