import { CustomerScoredV1 } from '@rapport/contracts';
import type { PendingEvent } from '@rapport/platform-messaging';
import type { RfmScores } from './rfm.model';

/**
 * customer.scored, built in one place for the incremental path and the full run. churnRisk is
 * required by the event; until the churn model (issue 16, item 3) exists it is 0.
 */
export function customerScoredEvent(
  customerId: string,
  scores: RfmScores,
  scoredAt: Date,
): PendingEvent<typeof CustomerScoredV1> {
  return {
    definition: CustomerScoredV1,
    subject: customerId,
    data: {
      customerId,
      recency: scores.recency,
      frequency: scores.frequency,
      monetary: scores.monetary,
      valueTier: scores.valueTier,
      churnRisk: 0,
      scoredAt: scoredAt.toISOString(),
    },
  };
}
