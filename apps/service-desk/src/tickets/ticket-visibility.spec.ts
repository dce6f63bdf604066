import { ticketVisibility } from './ticket-visibility';

describe(ticketVisibility.name, () => {
  it('lets admins, executives and department clients see every ticket', () => {
    for (const role of ['admin', 'executive', 'integration'])
      expect(ticketVisibility({ sub: 'x', roles: [role] })).toEqual({ kind: 'all' });
  });

  it("gives a manager the team's tickets, and nothing without a team", () => {
    expect(ticketVisibility({ sub: 'm', roles: ['manager'], team: 'north' })).toEqual({ kind: 'team', team: 'north' });
    expect(ticketVisibility({ sub: 'm', roles: ['manager'] })).toEqual({ kind: 'none' });
  });

  it("gives an agent their own tickets and the team's unassigned ones", () => {
    expect(ticketVisibility({ sub: 'agent1', roles: ['agent'], team: 'north' })).toEqual({
      kind: 'assigned-or-team-pool',
      user: 'agent1',
      team: 'north',
    });
  });

  it('shows nothing to other roles', () => {
    expect(ticketVisibility({ sub: 'a', roles: ['analyst'] })).toEqual({ kind: 'none' });
  });
});
