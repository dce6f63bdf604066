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
