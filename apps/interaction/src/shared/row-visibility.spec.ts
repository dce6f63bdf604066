import { rowVisibility, visibilitySql } from './row-visibility';

describe(rowVisibility.name, () => {
  it('gives admins, executives, analysts and clients everything, a manager the team, an agent their own', () => {
    expect(rowVisibility({ sub: 'a', roles: ['admin'] })).toEqual({ kind: 'all' });
    expect(rowVisibility({ sub: 'x', roles: ['analyst'] })).toEqual({ kind: 'all' });
    expect(rowVisibility({ sub: 'm', roles: ['manager'], team: 'north' })).toEqual({ kind: 'team', team: 'north' });
    expect(rowVisibility({ sub: 'm', roles: ['manager'] })).toEqual({ kind: 'none' });
    expect(rowVisibility({ sub: 'agent1', roles: ['agent'], team: 'north' })).toEqual({ kind: 'own', user: 'agent1' });
    expect(rowVisibility({ sub: 'nobody', roles: [] })).toEqual({ kind: 'none' });
  });
});

describe(visibilitySql.name, () => {
  it('binds the values it needs after the ones already there', () => {
    const params: unknown[] = ['x'];
    expect(visibilitySql({ kind: 'own', user: 'agent1' }, params, 'f', ['assignee', 'created_by'])).toBe(
      '(f.assignee = $2 OR f.created_by = $2)',
    );
    expect(params).toEqual(['x', 'agent1']);
    expect(visibilitySql({ kind: 'none' }, [], 'f', ['assignee'])).toBe('false');
  });
});
