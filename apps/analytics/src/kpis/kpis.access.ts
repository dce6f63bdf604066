import type { CallerIdentity } from '@rapport/platform-runtime';
import { KpisErrorCode, KpisException } from './kpis.exception';

/**
 * Whose facts a caller's figures cover: everyone's (optionally one team's), one team's, or one agent's.
 * For a team: the customers the team owns now, its follow-ups and its tickets; for an agent: the
 * customers they own, the follow-ups and tickets assigned to them.
 */
export interface RowFilter {
  team: string | null;
  agent: string | null;
}

type Caller = Pick<CallerIdentity, 'sub' | 'roles' | 'team'>;

/** Admins, executives, analysts and department clients see every team; managers their team; agents themselves. */
export function seesAll(caller: Caller): boolean {
  return caller.roles.some((r) => r === 'admin' || r === 'executive' || r === 'analyst' || r === 'integration');
}

/**
 * The row level of GET /kpis: a manager sees their team (the default when no team is named), an agent
 * only themself, the others every team or the one they name. Another team than one's own is refused
 * with 422 team-not-yours, as service-desk's stats refuse it.
 */
export function kpiFilter(caller: Caller, team: string | undefined): RowFilter {
  if (seesAll(caller)) return { team: team ?? null, agent: null };
  if (team !== undefined && team !== caller.team)
    throw new KpisException(
      KpisErrorCode.TeamNotYours,
      `team ${team} is not the caller's team; managers see their own team's figures, agents their own`,
      'team',
    );
  if (caller.roles.includes('manager') && caller.team) return { team: caller.team, agent: null };
  if (caller.roles.includes('agent')) return { team: null, agent: caller.sub };
  throw new KpisException(KpisErrorCode.RoleNotAllowed, 'the caller has no role that sees KPIs (or no team)');
}

/** The executive view is company-wide: admins, executives, analysts and department clients only. */
export function assertExecutive(caller: Caller): void {
  if (!seesAll(caller))
    throw new KpisException(
      KpisErrorCode.RoleNotAllowed,
      'the executive dashboard is for executives, admins and analysts; managers have the manager dashboard, agents the agent dashboard',
    );
}

/** The manager view of one team: a manager's own (the default), any team for those who see all. */
export function managerTeam(caller: Caller, team: string | undefined): string {
  if (seesAll(caller)) {
    if (team === undefined)
      throw new KpisException(KpisErrorCode.TeamRequired, 'name the team whose dashboard to show', 'team');
    return team;
  }
  if (!caller.roles.includes('manager') || !caller.team)
    throw new KpisException(
      KpisErrorCode.RoleNotAllowed,
      'the manager dashboard is for managers (their team) and those who see every team; agents have the agent dashboard',
    );
  if (team !== undefined && team !== caller.team)
    throw new KpisException(
      KpisErrorCode.TeamNotYours,
      `team ${team} is not the caller's team; a manager sees their own team's dashboard`,
      'team',
    );
  return caller.team;
}
