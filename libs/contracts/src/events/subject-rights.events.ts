import { z } from 'zod';
import { defineEvent, type EventDefinition } from '../event-definition';
import type { TopicKey } from '../topics';

const isoTime = z.iso.datetime({ offset: true });

/**
 * A service's answer to `customer.erased`: it removed or anonymised what it held of the customer, in
 * the transaction that marked the event consumed, and says what (counts by kind) and what it kept by
 * law (order totals without the person, say). customer-profile collects these per erasure request;
 * when every participating service has answered, the request is complete and the gateway signs its
 * receipt. Published by each service on its own stream, so the definition exists once per service.
 */
export const erasureAcknowledgedSchema = z.object({
  customerId: z.uuid(),
  /** The erasure request answered (customer.erased's `erasureId`); absent for an erasure that had none. */
  erasureId: z.uuid().optional(),
  /** What was removed or anonymised, counted by kind (a table, a section): `{ "movements": 4 }`. */
  removed: z.record(z.string().min(1).max(100), z.number().int().nonnegative()),
  /** What stays, and why the law lets it or requires it. */
  kept: z.array(z.object({ what: z.string().min(1).max(200), why: z.string().min(1).max(500) })).max(50),
  acknowledgedAt: isoTime,
});

export type ErasureAcknowledgement = z.infer<typeof erasureAcknowledgedSchema>;

/** The services that acknowledge erasures, and the stream each publishes on. */
const ACKNOWLEDGING: Record<'customer-profile' | 'interaction' | 'service-desk' | 'loyalty' | 'analytics', TopicKey> = {
  'customer-profile': 'customers',
  interaction: 'interactions',
  'service-desk': 'tickets',
  loyalty: 'loyalty',
  analytics: 'scores',
};

export type AcknowledgingService = keyof typeof ACKNOWLEDGING;

export const ErasureAcknowledgedV1 = Object.fromEntries(
  Object.entries(ACKNOWLEDGING).map(([service, topic]) => [
    service,
    defineEvent({
      type: `rapport.${service}.erasure.acknowledged.v1`,
      source: service as AcknowledgingService,
      topic,
      description: `${service} erased or anonymised what it held of a customer (customer.erased) and says what it removed and kept.`,
      schema: erasureAcknowledgedSchema,
    }),
  ]),
) as Record<AcknowledgingService, EventDefinition<typeof erasureAcknowledgedSchema>>;
