/** A team's turn order: members in order and the position whose turn is next. */
export interface TeamTurns {
  members: readonly string[];
  nextPosition: number;
}

export type RoundRobinPick =
  | { ok: true; ownerId: string; nextPosition: number; skipped: string[] }
  | { ok: false; reason: 'no-members' | 'all-at-cap' };

/**
 * Round robin within a team: the member at the cursor gets the customer and the cursor moves past
 * them. Members at the holding cap (and the customer's current owner) are skipped, so a turn goes to
 * the next member who can take the customer. Pure: the caller reads the team row (locked) and the
 * holdings and writes the new position.
 */
export class RoundRobinRule {
  next(
    team: TeamTurns,
    holdings: ReadonlyMap<string, number>,
    cap: number,
    currentOwnerId: string | null = null,
  ): RoundRobinPick {
    const n = team.members.length;
    if (n === 0) return { ok: false, reason: 'no-members' };
    const skipped: string[] = [];
    for (let step = 0; step < n; step++) {
      const position = (team.nextPosition + step) % n;
      const member = team.members[position]!;
      if (member === currentOwnerId || (holdings.get(member) ?? 0) >= cap) {
        skipped.push(member);
        continue;
      }
      return { ok: true, ownerId: member, nextPosition: (position + 1) % n, skipped };
    }
    return { ok: false, reason: 'all-at-cap' };
  }
}
