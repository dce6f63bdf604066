import type { TicketCsatView, TicketHistoryEntryView, TicketView } from '@rapport/contracts';
import { maskText } from '@rapport/platform-auth';
import type { CallerIdentity } from '@rapport/platform-runtime';
import type { TicketState } from './tickets.service';
import type { CsatRecord, TicketHistoryEntry } from './tickets.repository';

/** The customer's words (subject, description, replies, notes) are personal data: masked without pii:read. */
function textFor(caller: CallerIdentity): (text: string) => string {
  return caller.scopes.includes('pii:read') ? (text) => text : maskText;
}

/**
 * The CSAT link is a credential (whoever holds it rates the resolution): only for callers who work
 * tickets (tickets:write), who send it to the customer.
 */
export function toTicketView(state: TicketState, caller: CallerIdentity): TicketView {
  const { ticket, allowed } = state;
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
    vip: ticket.vip,
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
    slaDueAt: ticket.slaDueAt?.toISOString() ?? null,
    csatLink: caller.scopes.includes('tickets:write') ? state.csatLink : null,
    lastCsat: state.lastCsat ? toCsatView(state.lastCsat, text) : null,
  };
}

function toCsatView(csat: CsatRecord, text: (text: string) => string): TicketCsatView {
  return {
    resolution: csat.resolution,
    rating: csat.rating!,
    comment: csat.comment === null ? null : text(csat.comment),
    submittedAt: csat.submittedAt!.toISOString(),
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
    routing: entry.routing,
    rating: entry.rating,
  };
}
