import type { CustomerVisibility } from '@rapport/platform-auth';

/**
 * The row-level rule of `customerVisibility` as a SQL condition on the customers table, for
 * repositories that use raw SQL. Parameters are appended to `params`; a caller who sees nothing
 * gets a condition that is never true.
 */
export function visibilityCondition(visibility: CustomerVisibility, alias: string, params: unknown[]): string {
  switch (visibility.kind) {
    case 'all':
      return 'true';
    case 'team':
      params.push(visibility.team);
      return `${alias}.team = $${params.length}`;
    case 'own-and-pool':
      params.push(visibility.ownerId);
      return `(${alias}.owner_id = $${params.length} OR ${alias}.owner_id IS NULL)`;
    case 'none':
      return 'false';
  }
}
