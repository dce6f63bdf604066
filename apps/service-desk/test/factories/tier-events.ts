import {
  createEnvelope,
  CustomerScoredV1,
  TierChangedV1,
  toBinaryMode,
  Topics,
  type EventEnvelope,
} from '@rapport/contracts';
import type { RecordProducer } from '@rapport/platform-messaging';

/** loyalty's tier.changed as it publishes it, keyed by the customer. */
export const tierChanged = (customerId: string, to: string, from: string | null = null) =>
  createEnvelope(TierChangedV1, customerId, {
    customerId,
    from,
    to,
    reason: 'qualified by purchase',
    occurredAt: new Date().toISOString(),
  });

/** analytics' customer.scored with a value tier, keyed by the customer. */
export const customerScored = (customerId: string, valueTier: 'A' | 'B' | 'C') =>
  createEnvelope(CustomerScoredV1, customerId, {
    customerId,
    recency: 5,
    frequency: 5,
    monetary: valueTier === 'A' ? 5 : 2,
    valueTier,
    churnRisk: 0.1,
    scoredAt: new Date().toISOString(),
  });

/** Publishes events on their own topics (loyalty's, analytics'), as their owners do. */
export async function publishTierEvents(producer: RecordProducer, ...events: EventEnvelope[]): Promise<void> {
  const topicOf = (type: string) => (type === TierChangedV1.type ? Topics.loyalty.name : Topics.scores.name);
  await producer.send(events.map((event) => ({ topic: topicOf(event.type), ...toBinaryMode(event) })));
}
