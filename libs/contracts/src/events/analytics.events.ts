import { z } from 'zod';
import { defineEvent } from '../event-definition';

export const CustomerScoredV1 = defineEvent({
  type: 'rapport.analytics.customer.scored.v1',
  source: 'analytics',
  topic: 'scores',
  description: 'New scores for a customer: RFM, value tier and churn risk.',
  schema: z.object({
    customerId: z.uuid(),
    recency: z.number().int().min(1).max(5),
    frequency: z.number().int().min(1).max(5),
    monetary: z.number().int().min(1).max(5),
    valueTier: z.enum(['A', 'B', 'C']),
    churnRisk: z.number().min(0).max(1),
    scoredAt: z.iso.datetime({ offset: true }),
  }),
});

export const ChurnRiskRaisedV1 = defineEvent({
  type: 'rapport.analytics.churn.risk-raised.v1',
  source: 'analytics',
  topic: 'scores',
  description:
    'A customer’s churn risk crossed the warning threshold upwards (it was below, or never assessed), with the drivers that raised it.',
  schema: z.object({
    customerId: z.uuid(),
    churnRisk: z.number().min(0).max(1),
    threshold: z.number().min(0).max(1),
    previousRisk: z.number().min(0).max(1).nullable(),
    pAlive: z.number().min(0).max(1),
    method: z.enum(['bgnbd', 'recency']),
    drivers: z.array(
      z.object({
        driver: z.enum(['p-alive', 'no-recent-contact', 'open-complaints', 'low-survey-score']),
        weight: z.number(),
        detail: z.string(),
      }),
    ),
    raisedAt: z.iso.datetime({ offset: true }),
  }),
});
