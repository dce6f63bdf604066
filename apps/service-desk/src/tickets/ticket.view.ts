import type { TicketHistoryEntryView, TicketStatus, TicketView } from '@rapport/contracts';
import { maskText } from '@rapport/platform-auth';
import type { CallerIdentity } from '@rapport/platform-runtime';
import type { TicketHistoryEntry, TicketRecord } from './tickets.repository';

/** The customer's words (subject, description, replies, notes) are personal data: masked without pii:read. */
function textFor(caller: CallerIdentity): (text: string) => string {
  return caller.scopes.includes('pii:read') ? (text) => text : maskText;
}

export function toTicketView(ticket: TicketRecord, allowed: TicketStatus[], caller: CallerIdentity): TicketView {
  const text = textFor(caller);
  return {
    id: ticket.id,
    customerId: ticket.customerId,
    type: ticket.type,
    channel: ticket.channel,
    subject: text(ticket.subject),
    description: text(ticket.description),
    priority: ticket.priority,
    category: ticket.category,
    assignee: ticket.assignee,
    team: ticket.team,
    queue: ticket.queue,
    status: ticket.status,
    allowedTransitions: allowed,
    version: ticket.version,
    receivedAt: ticket.receivedAt.toISOString(),
    createdAt: ticket.createdAt.toISOString(),
    updatedAt: ticket.updatedAt.toISOString(),
    firstRepliedAt: ticket.firstRepliedAt?.toISOString() ?? null,
    resolvedAt: ticket.resolvedAt?.toISOString() ?? null,
    closedAt: ticket.closedAt?.toISOString() ?? null,
    reopenedCount: ticket.reopenedCount,
  };
}

export function toHistoryEntryView(entry: TicketHistoryEntry, caller: CallerIdentity): TicketHistoryEntryView {
  const text = textFor(caller);
  return {
    seq: entry.seq,
    at: entry.at.toISOString(),
    actor: entry.actor,
    kind: entry.kind,
    fromStatus: entry.fromStatus,
    toStatus: entry.toStatus,
    text: entry.text === null ? null : text(entry.text),
    changedFields: entry.changedFields,
  };
}
