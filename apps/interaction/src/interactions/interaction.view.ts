import type { InteractionView } from '@rapport/contracts';
import { maskText } from '@rapport/platform-auth';
import type { CallerIdentity } from '@rapport/platform-runtime';
import type { InteractionRecord } from './interactions.repository';

/** The summary is what was said with the customer: personal data, masked without pii:read. */
export function toInteractionView(record: InteractionRecord, caller: CallerIdentity): InteractionView {
  const pii = caller.scopes.includes('pii:read');
  return {
    id: record.id,
    customerId: record.customerId,
    channel: record.channel,
    direction: record.direction,
    occurredAt: record.occurredAt.toISOString(),
    agent: record.agent,
    team: record.team,
    summary: record.summary === null ? null : pii ? record.summary : maskText(record.summary),
    outcome: record.outcome,
    durationSeconds: record.durationSeconds,
    ticketId: record.ticketId,
    campaignId: record.campaignId,
    followUpId: record.followUpId,
    loggedBy: record.loggedBy,
    loggedAt: record.loggedAt.toISOString(),
  };
}
