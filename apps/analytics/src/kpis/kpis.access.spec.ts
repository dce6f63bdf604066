import { assertExecutive, kpiFilter, managerTeam } from './kpis.access';

const admin = { sub: 'admin', roles: ['admin'] };
const executive = { sub: 'ceo', roles: ['executive'] };
const manager = { sub: 'manager', roles: ['manager'], team: 'north' };
const agent = { sub: 'agent1', roles: ['agent'], team: 'north' };

describe('KPI row level', () => {
  it('lets admins and executives see every team or the one they name', () => {
    expect(kpiFilter(admin, undefined)).toEqual({ team: null, agent: null });
    expect(kpiFilter(executive, 'south')).toEqual({ team: 'south', agent: null });
  });

  it('gives a manager their team by default and refuses another team with 422', () => {
    expect(kpiFilter(manager, undefined)).toEqual({ team: 'north', agent: null });
    expect(kpiFilter(manager, 'north')).toEqual({ team: 'north', agent: null });
    expect(() => kpiFilter(manager, 'south')).toThrow(expect.objectContaining({ code: 'team-not-yours' }));
  });

  it('gives an agent only themself', () => {
    expect(kpiFilter(agent, undefined)).toEqual({ team: null, agent: 'agent1' });
    expect(kpiFilter(agent, 'north')).toEqual({ team: null, agent: 'agent1' });
    expect(() => kpiFilter(agent, 'south')).toThrow(expect.objectContaining({ code: 'team-not-yours' }));
  });

  it('refuses the executive view to managers and agents with 403', () => {
    expect(() => assertExecutive(admin)).not.toThrow();
    expect(() => assertExecutive(agent)).toThrow(expect.objectContaining({ code: 'role-not-allowed' }));
    expect(() => assertExecutive(manager)).toThrow(expect.objectContaining({ code: 'role-not-allowed' }));
  });

  it('shows a manager their own team’s view only, and those who see all the team they name', () => {
    expect(managerTeam(manager, undefined)).toBe('north');
    expect(() => managerTeam(manager, 'south')).toThrow(expect.objectContaining({ code: 'team-not-yours' }));
    expect(() => managerTeam(agent, undefined)).toThrow(expect.objectContaining({ code: 'role-not-allowed' }));
    expect(managerTeam(executive, 'south')).toBe('south');
    expect(() => managerTeam(executive, undefined)).toThrow(expect.objectContaining({ code: 'team-required' }));
  });
});
