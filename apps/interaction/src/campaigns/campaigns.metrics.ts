import { CAMPAIGN_CHANNELS } from '@rapport/contracts';
import { metricsRegistry } from '@rapport/platform-observability';
import { Counter } from 'prom-client';

/**
 * Campaign messages decided by the sender, by channel and outcome (sent, skipped, failed, bounced),
 * counted after the batch that decided them committed. Every label value starts at 0.
 */
export const campaignMessages = new Counter({
  name: 'rapport_campaign_messages_total',
  help: 'Campaign messages by channel (email, sms) and outcome (sent, skipped, failed, bounced)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [metricsRegistry],
});

for (const channel of CAMPAIGN_CHANNELS)
  for (const outcome of ['sent', 'skipped', 'failed', 'bounced']) campaignMessages.inc({ channel, outcome }, 0);
