import type { CallerIdentity } from '@rapport/platform-runtime';

/** Row-level visibility of follow-ups and of the interaction list, as tickets have it. */
export type RowVisibility =
  { kind: 'all' } | { kind: 'team'; team: string } | { kind: 'own'; user: string } | { kind: 'none' };

/**
 * Admins, executives, analysts and department clients see every row; a manager the team's; an agent
 * their own (the follow-ups assigned to them, the contacts they had or logged).
 */
export function rowVisibility(caller: Pick<CallerIdentity, 'sub' | 'roles' | 'team'>): RowVisibility {
  const roles = caller.roles;
  if (roles.some((r) => r === 'admin' || r === 'executive' || r === 'analyst' || r === 'integration'))
    return { kind: 'all' };
  if (roles.includes('manager')) return caller.team ? { kind: 'team', team: caller.team } : { kind: 'none' };
  if (roles.includes('agent')) return { kind: 'own', user: caller.sub };
  return { kind: 'none' };
}

/**
 * The rule as SQL on `alias`, its values appended to `params`. `ownColumns` are the columns that make a
 * row the agent's own.
 */
export function visibilitySql(
  visibility: RowVisibility,
  params: unknown[],
  alias: string,
  ownColumns: readonly string[],
): string {
  switch (visibility.kind) {
    case 'all':
      return 'true';
    case 'team':
      params.push(visibility.team);
      return `${alias}.team = $${params.length}`;
    case 'own':
      params.push(visibility.user);
      return `(${ownColumns.map((c) => `${alias}.${c} = $${params.length}`).join(' OR ')})`;
    case 'none':
      return 'false';
  }
}
