import type { CallerIdentity } from '@rapport/platform-runtime';

/** Row-level visibility of tickets for a caller. */
export type TicketVisibility =
  | { kind: 'all' }
  | { kind: 'team'; team: string }
  | { kind: 'assigned-or-team-pool'; user: string; team: string | null }
  | { kind: 'none' };

/**
 * Admins, executives and department clients see every ticket; a manager the team's; an agent the
 * tickets assigned to them and the unassigned ones of their team (the pool they take work from).
 */
export function ticketVisibility(caller: Pick<CallerIdentity, 'sub' | 'roles' | 'team'>): TicketVisibility {
  const roles = caller.roles;
  if (roles.some((r) => r === 'admin' || r === 'executive' || r === 'integration')) return { kind: 'all' };
  if (roles.includes('manager')) return caller.team ? { kind: 'team', team: caller.team } : { kind: 'none' };
  if (roles.includes('agent')) return { kind: 'assigned-or-team-pool', user: caller.sub, team: caller.team ?? null };
  return { kind: 'none' };
}
