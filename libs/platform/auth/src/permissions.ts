/**
 * Roles and scopes. Scopes are per resource and action; each role grants a set of them, and a
 * department client (role `integration`) gets only the scopes it was registered with.
 */
export const ROLES = ['admin', 'executive', 'manager', 'agent', 'analyst', 'integration'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = [
  'customers:read',
  'customers:write',
  'pii:read',
  'purchases:write',
  'tickets:read',
  'tickets:write',
  'loyalty:read',
  'loyalty:write',
  'analytics:read',
  'analytics:write',
  'interactions:read',
  'interactions:write',
  'surveys:read',
  'surveys:write',
  'campaigns:write',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export const ROLE_SCOPES: Record<Exclude<Role, 'integration'>, readonly Scope[]> = {
  admin: SCOPES,
  executive: [
    'customers:read',
    'pii:read',
    'tickets:read',
    'loyalty:read',
    'analytics:read',
    'interactions:read',
    'surveys:read',
  ],
  manager: [
    'customers:read',
    'customers:write',
    'pii:read',
    'purchases:write',
    'tickets:read',
    'tickets:write',
    'loyalty:read',
    'analytics:read',
    'interactions:read',
    'interactions:write',
    'surveys:read',
    'surveys:write',
    'campaigns:write',
  ],
  agent: [
    'customers:read',
    'customers:write',
    'pii:read',
    'purchases:write',
    'tickets:read',
    'tickets:write',
    'loyalty:read',
    'loyalty:write',
    'interactions:read',
    'interactions:write',
    'surveys:read',
  ],
  // analytics:write: fitting models (a fit replaces the parameters every CLV and churn figure uses)
  analyst: ['customers:read', 'analytics:read', 'analytics:write', 'interactions:read', 'surveys:read'],
};

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * The scopes a caller holds: those its roles grant plus the known scopes its token carries
 * (`scope` for client credentials). Unknown scopes from an IdP (openid, profile…) are dropped.
 */
export function effectiveScopes(roles: readonly string[], tokenScopes: readonly string[]): Scope[] {
  const scopes = new Set<Scope>(tokenScopes.filter(isScope));
  for (const role of roles) {
    if (isRole(role) && role !== 'integration') for (const scope of ROLE_SCOPES[role]) scopes.add(scope);
  }
  return SCOPES.filter((s) => scopes.has(s));
}

/** Row-level visibility of customers for a caller. */
export type CustomerVisibility =
  { kind: 'all' } | { kind: 'team'; team: string } | { kind: 'own-and-pool'; ownerId: string } | { kind: 'none' };

/**
 * Executives, analysts, admins and department clients read everything; a manager sees the team's
 * customers; an agent sees the customers they own plus the public pool.
 */
export function customerVisibility(identity: {
  sub: string;
  roles: readonly string[];
  team?: string;
}): CustomerVisibility {
  const roles = identity.roles;
  if (roles.some((r) => r === 'admin' || r === 'executive' || r === 'analyst' || r === 'integration'))
    return { kind: 'all' };
  if (roles.includes('manager')) return identity.team ? { kind: 'team', team: identity.team } : { kind: 'none' };
  if (roles.includes('agent')) return { kind: 'own-and-pool', ownerId: identity.sub };
  return { kind: 'none' };
}
