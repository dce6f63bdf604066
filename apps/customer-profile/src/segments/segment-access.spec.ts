import { maySegmentBeChanged } from './segment-access';

describe(maySegmentBeChanged.name, () => {
  const segment = { ownerId: 'u-agent1', team: 'north' };

  it('lets the creator, a manager of the team and admins change a segment', () => {
    expect(maySegmentBeChanged(segment, { sub: 'u-agent1', roles: ['agent'], team: 'north' })).toBe(true);
    expect(maySegmentBeChanged(segment, { sub: 'u-manager', roles: ['manager'], team: 'north' })).toBe(true);
    expect(maySegmentBeChanged(segment, { sub: 'u-admin', roles: ['admin'] })).toBe(true);
  });

  it('refuses other agents, other teams’ managers and read-only roles', () => {
    expect(maySegmentBeChanged(segment, { sub: 'u-agent2', roles: ['agent'], team: 'north' })).toBe(false);
    expect(maySegmentBeChanged(segment, { sub: 'u-manager2', roles: ['manager'], team: 'south' })).toBe(false);
    expect(maySegmentBeChanged(segment, { sub: 'u-manager3', roles: ['manager'] })).toBe(false);
    expect(maySegmentBeChanged({ ownerId: 'x', team: null }, { sub: 'u-manager3', roles: ['manager'] })).toBe(false);
    expect(maySegmentBeChanged(segment, { sub: 'u-analyst', roles: ['analyst'] })).toBe(false);
  });
});
