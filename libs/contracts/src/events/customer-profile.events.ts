import { z } from 'zod';
import { defineEvent } from '../event-definition';

/**
 * Events published by customer-profile. PII stays out of events: consumers get ids and what they
 * truly need, and ask nothing else of the customer record.
 */
export const CustomerCreatedV1 = defineEvent({
  type: 'rapport.customer-profile.customer.created.v1',
  source: 'customer-profile',
  topic: 'customers',
  description: 'A customer record was created.',
  schema: z.object({
    customerId: z.uuid(),
    kind: z.enum(['person', 'organisation']),
    sourceChannel: z.string().min(1).max(40).optional(),
    createdAt: z.iso.datetime({ offset: true }),
  }),
});
