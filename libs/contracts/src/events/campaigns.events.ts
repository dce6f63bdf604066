import { z } from 'zod';
import { defineEvent } from '../event-definition';

const isoTime = z.iso.datetime({ offset: true });

/**
 * Events of interaction's campaigns, on its interactions stream keyed by the customer id.
 * consent.withdrawn is the customer's own act (a one-click unsubscribe, an SMS reply T/TD):
 * customer-profile consumes it so that its consent record agrees.
 */
export const CampaignConsentWithdrawnV1 = defineEvent({
  type: 'rapport.interaction.consent.withdrawn.v1',
  source: 'interaction',
  topic: 'interactions',
  description:
    'A customer withdrew consent for a channel and purpose from a campaign message (one-click unsubscribe, SMS reply T).',
  schema: z.object({
    customerId: z.uuid(),
    channel: z.enum(['email', 'sms']),
    purpose: z.enum(['marketing', 'service']),
    campaignId: z.uuid().nullable(),
    via: z.enum(['one-click-unsubscribe', 'sms-reply']),
    withdrawnAt: isoTime,
  }),
});

export const CampaignRecipientSentV1 = defineEvent({
  type: 'rapport.interaction.campaign.sent.v1',
  source: 'interaction',
  topic: 'interactions',
  description: 'A campaign message was handed to the email or SMS transport for one recipient.',
  schema: z.object({
    campaignId: z.uuid(),
    customerId: z.uuid(),
    channel: z.enum(['email', 'sms']),
    messageId: z.string().min(1).max(300),
    sentAt: isoTime,
  }),
});
