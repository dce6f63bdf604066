import type { CustomerVisibility } from '@rapport/platform-auth';

/**
 * The one row-level rule of customer-profile, as SQL: every feature that reads or writes customers
 * (get, list, search, duplicates, purchases, ownership, lifecycle, exports, segments, imports)
 * appends it, so what a caller may see is decided in one place and inside the database.
 */
/** Appends the row-level rule for `alias` to `params`; a caller who may see nothing gets `false`. */
export function visibilitySql(visibility: CustomerVisibility, params: unknown[], alias = 'c'): string {
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
