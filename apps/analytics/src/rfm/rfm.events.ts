import { CustomerScoredV1 } from '@rapport/contracts';
import type { PendingEvent } from '@rapport/platform-messaging';
import type { RfmScores } from './rfm.model';

/**
 * churnRisk is required by customer.scored, and there is no churn model yet (issue 16, item 3). 0
 * would claim "no risk" and move every tier-A customer to loyal in customer-profile; 0.5 sits between
 * customer-profile's default thresholds (loyal below 0.3, at risk from 0.7), so the value tier is
 * published without a lifecycle move that nothing measured.
 */
export const UNMODELLED_CHURN_RISK = 0.5;

/** customer.scored, built in one place for the incremental path and the full run. */
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
      churnRisk: UNMODELLED_CHURN_RISK,
      scoredAt: scoredAt.toISOString(),
    },
  };
}
