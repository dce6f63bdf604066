import type { TicketStatus } from '@rapport/contracts';

const DAY_MS = 86_400_000;

/**
 * The moves of the complaint process, status by status: received → acknowledged → investigating →
 * resolved → closed; a wait for the customer (pending-customer) from acknowledged or investigating,
 * back to investigating; a reopening of a resolved ticket (within the window), which continues to
 * investigating. A closed ticket is final.
 */
const MOVES: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  received: ['acknowledged'],
  acknowledged: ['investigating', 'pending-customer'],
  investigating: ['pending-customer', 'resolved'],
  'pending-customer': ['investigating'],
  resolved: ['closed', 'reopened'],
  reopened: ['investigating'],
  closed: [],
};

/** What the process needs of a ticket to decide a move. */
export interface TicketProcessState {
  status: TicketStatus;
  /** When it was last resolved (null while it is not resolved). */
  resolvedAt: Date | null;
}

export type TicketMoveDecision = { kind: 'move'; to: TicketStatus } | { kind: 'refuse'; allowed: TicketStatus[] };

/**
 * The complaint process as an explicit state machine: pure rules, no I/O. The service asks it before
 * every change of status and records the move it allows (history and event in one transaction).
 */
export class TicketProcess {
  constructor(private readonly reopenWindowDays: number) {}

  /** Every status, with the moves the process has from it (whatever the time). */
  static readonly moves = MOVES;

  /** Where a ticket may move now: a resolved ticket may be reopened only within the window after its resolution. */
  allowed(state: TicketProcessState, now: Date): TicketStatus[] {
    return MOVES[state.status].filter((to) => to !== 'reopened' || this.withinReopenWindow(state, now));
  }

  decide(state: TicketProcessState, to: TicketStatus, now: Date): TicketMoveDecision {
    const allowed = this.allowed(state, now);
    return allowed.includes(to) ? { kind: 'move', to } : { kind: 'refuse', allowed };
  }

  /** A reply to the customer: null where replies are refused (closed), else the status it leaves the ticket in. */
  afterReply(status: TicketStatus): TicketStatus | null {
    if (status === 'closed') return null;
    // The first answer to a new ticket acknowledges it.
    return status === 'received' ? 'acknowledged' : status;
  }

  private withinReopenWindow(state: TicketProcessState, now: Date): boolean {
    if (this.reopenWindowDays <= 0 || state.resolvedAt === null) return false;
    return now.getTime() < state.resolvedAt.getTime() + this.reopenWindowDays * DAY_MS;
  }
}
