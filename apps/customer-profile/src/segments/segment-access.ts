/**
 * Who may change a segment. Every caller with customers:read sees every segment (its members are
 * filtered by the caller's own row-level visibility anyway); changing one is for its creator, a
 * manager of the team it was created in, and admins.
 */
export function maySegmentBeChanged(
  segment: { ownerId: string; team: string | null },
  caller: { sub: string; roles: readonly string[]; team?: string },
): boolean {
  if (caller.roles.includes('admin')) return true;
  if (segment.ownerId === caller.sub) return true;
  return caller.roles.includes('manager') && caller.team !== undefined && segment.team === caller.team;
}
