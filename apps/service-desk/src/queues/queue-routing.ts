import type { QueueAssignment, RoutingReason, TicketChannel, TicketType } from '@rapport/contracts';

/** Which new tickets a queue takes: each given list must hold the ticket's value; an absent list takes any. */
export interface QueueMatchRule {
  types?: TicketType[];
  categories?: string[];
  channels?: TicketChannel[];
}

/** What routing needs of a queue. */
export interface RoutableQueue {
  name: string;
  match: QueueMatchRule;
  priority: number;
  vip: boolean;
}

/** What routing needs of a new ticket. */
export interface RoutableTicket {
  type: TicketType;
  category: string | null;
  channel: TicketChannel;
  /** The customer is a VIP (loyalty's top tier or analytics value tier A). */
  vip: boolean;
}

export const FALLBACK_QUEUE = 'general';

/**
 * The routing rule, as pure functions: a VIP customer's ticket goes to the VIP queue; any other to the
 * first queue (lowest priority, then name) whose match fits its type, category and channel; else to
 * the general queue. A queue with an empty match (no list given) takes nothing by itself: it is reached
 * as the VIP queue or the fallback only.
 */
export function chooseQueue(
  queues: readonly RoutableQueue[],
  ticket: RoutableTicket,
): { queue: string; reason: RoutingReason } {
  if (ticket.vip) {
    const vip = queues.find((q) => q.vip);
    if (vip) return { queue: vip.name, reason: 'vip' };
  }
  const ordered = [...queues]
    .filter((q) => !q.vip && q.name !== FALLBACK_QUEUE)
    .sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));
  const matching = ordered.find((q) => matches(q.match, ticket));
  return matching ? { queue: matching.name, reason: 'match' } : { queue: FALLBACK_QUEUE, reason: 'fallback' };
}

export function matches(rule: QueueMatchRule, ticket: Omit<RoutableTicket, 'vip'>): boolean {
  const lists = [rule.types, rule.categories, rule.channels];
  if (lists.every((l) => l === undefined)) return false;
  if (rule.types && !rule.types.includes(ticket.type)) return false;
  if (rule.channels && !rule.channels.includes(ticket.channel)) return false;
  if (rule.categories && (ticket.category === null || !rule.categories.includes(ticket.category))) return false;
  return true;
}

/** The members who take new tickets now: all of them, or those also listed as available (in members' order). */
export function availableMembers(members: readonly string[], available: readonly string[] | null): string[] {
  return available === null ? [...members] : members.filter((m) => available.includes(m));
}

/** What assignment needs of a queue. */
export interface AssignableQueue {
  members: readonly string[];
  available: readonly string[] | null;
  assignment: QueueAssignment;
  /** Round-robin: the index in members of the last one assigned (-1: none yet). */
  cursor: number;
}

/**
 * Who gets a new ticket of the queue, and the queue's next cursor. Round-robin takes the next available
 * member after the last one assigned (in members' order, wrapping); least-loaded the available member
 * with the fewest open tickets (ties: members' order); manual, or nobody available: nobody (the queue's
 * pool).
 */
export function chooseAssignee(
  queue: AssignableQueue,
  openTickets: ReadonlyMap<string, number> = new Map(),
): { assignee: string | null; cursor: number } {
  const candidates = availableMembers(queue.members, queue.available);
  if (queue.assignment === 'manual' || candidates.length === 0) return { assignee: null, cursor: queue.cursor };
  if (queue.assignment === 'least-loaded') {
    let best = candidates[0]!;
    for (const member of candidates) if ((openTickets.get(member) ?? 0) < (openTickets.get(best) ?? 0)) best = member;
    return { assignee: best, cursor: queue.cursor };
  }
  const n = queue.members.length;
  for (let step = 1; step <= n; step++) {
    const index = (((queue.cursor + step) % n) + n) % n;
    const member = queue.members[index]!;
    if (candidates.includes(member)) return { assignee: member, cursor: index };
  }
  return { assignee: null, cursor: queue.cursor };
}
