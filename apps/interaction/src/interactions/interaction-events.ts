import { InteractionLoggedV1 } from '@rapport/contracts';
import type { PendingEvent } from '@rapport/platform-messaging';
import type { InteractionRecord } from './interactions.repository';

/**
 * interaction.logged as every path writes it (logging, completing a follow-up), keyed by the customer id.
 * The summary (free text about the customer) does not travel.
 */
export function interactionLoggedEvent(interaction: InteractionRecord): PendingEvent<typeof InteractionLoggedV1> {
  return {
    definition: InteractionLoggedV1,
    subject: interaction.customerId,
    data: {
      interactionId: interaction.id,
      customerId: interaction.customerId,
      channel: interaction.channel,
      direction: interaction.direction,
      occurredAt: interaction.occurredAt.toISOString(),
      agent: interaction.agent,
      outcome: interaction.outcome,
      durationSeconds: interaction.durationSeconds,
      ticketId: interaction.ticketId,
      campaignId: interaction.campaignId,
      followUpId: interaction.followUpId,
      loggedAt: interaction.loggedAt.toISOString(),
    },
  };
}
