import { CustomerScoredV1 } from '@rapport/contracts';
import type { PendingEvent } from '@rapport/platform-messaging';
import type { RfmScores } from './rfm.model';

/**
 * churnRisk is required by customer.scored; it is the churn feature's risk (churn.model), and this
 * value only when a customer has no assessment (no purchase in the ledger yet). 0 would claim "no
 * risk" and move every tier-A customer to loyal in customer-profile; 0.5 sits between
 * customer-profile's default thresholds (loyal below 0.3, at risk from 0.7), so no lifecycle move
 * happens on a risk nothing measured.
 */
export const UNMODELLED_CHURN_RISK = 0.5;

/** customer.scored, built in one place for the incremental path and the full run. */
export function customerScoredEvent(
  customerId: string,
  scores: RfmScores,
  scoredAt: Date,
  churnRisk: number | null,
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
      churnRisk: churnRisk ?? UNMODELLED_CHURN_RISK,
      scoredAt: scoredAt.toISOString(),
    },
  };
}
