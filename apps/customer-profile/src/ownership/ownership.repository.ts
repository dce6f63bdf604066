import { Injectable } from '@nestjs/common';
import type { CustomerVisibility } from '@rapport/platform-auth';
import { DataSource, type EntityManager } from 'typeorm';
import { visibilitySql } from '../customers/customers.repository';

export interface OwnershipRow {
  change: string;
  owner_id: string | null;
  team: string | null;
  previous_owner_id: string | null;
  reason: string | null;
  changed_by: string | null;
  changed_at: Date;
}

@Injectable()
export class OwnershipRepository {
  constructor(private readonly dataSource: DataSource) {}

  async lockVisible(manager: EntityManager, id: string, visibility: CustomerVisibility): Promise<{ ownerId: string | null; team: string | null } | null> {
    const params: unknown[] = [id];
    const rows: { owner_id: string | null; team: string | null }[] = await manager.query(
      `SELECT c.owner_id, c.team FROM customer_profile.customers c
        WHERE c.id = $1 AND c.erased_at IS NULL AND ${visibilitySql(visibility, params)} FOR UPDATE`,
      params,
    );
    return rows[0] ? { ownerId: rows[0].owner_id, team: rows[0].team } : null;
  }

  async isVisible(id: string, visibility: CustomerVisibility): Promise<boolean> {
    const params: unknown[] = [id];
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM customer_profile.customers c WHERE c.id = $1 AND ${visibilitySql(visibility, params)}`,
      params,
    );
    return rows.length > 0;
  }

  /** Serialises one user's claims so that two at once cannot both slip under the cap. */
  async holdingOf(manager: EntityManager, ownerId: string): Promise<number> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('customer-profile.pool-claim:' || $1))`, [ownerId]);
    const rows: { n: number }[] = await manager.query(`SELECT count(*)::int AS n FROM customer_profile.customers WHERE owner_id = $1`, [ownerId]);
    return rows[0]!.n;
  }

  async changeOwner(
    manager: EntityManager,
    change: {
      customerId: string;
      change: string;
      ownerId: string | null;
      team: string | null;
      previous: { ownerId: string | null; team: string | null };
      reason: string | null;
      changedBy: string;
    },
  ): Promise<OwnershipRow> {
    const rows: OwnershipRow[] = await manager.query(
      `WITH moved AS (
         UPDATE customer_profile.customers
            SET owner_id = $2, team = $3, owner_since = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END,
                updated_at = now(), version = version + 1
          WHERE id = $1 RETURNING id
       )
       INSERT INTO customer_profile.ownership_history (customer_id, change, owner_id, team, previous_owner_id, previous_team, reason, changed_by)
       SELECT id, $4, $2, $3, $5, $6, $7, $8 FROM moved
       RETURNING change, owner_id, team, previous_owner_id, reason, changed_by, changed_at`,
      [change.customerId, change.ownerId, change.team, change.change, change.previous.ownerId, change.previous.team, change.reason, change.changedBy],
    );
    return rows[0]!;
  }

  async history(id: string): Promise<OwnershipRow[]> {
    return this.dataSource.query(
      `SELECT change, owner_id, team, previous_owner_id, reason, changed_by, changed_at
         FROM customer_profile.ownership_history WHERE customer_id = $1 ORDER BY id`,
      [id],
    );
  }

  /**
   * Returns to the pool every owned customer without contact (a purchase, an update, an ownership
   * change) for `days`, in one statement with its history. Rows locked elsewhere are skipped and an
   * already recycled customer has no owner, so running twice (or on two replicas) recycles once.
   */
  async recycleInactive(
    manager: EntityManager,
    days: number,
    reason: string,
  ): Promise<{ customer_id: string; previous_owner_id: string; team: string | null; changed_at: Date }[]> {
    return manager.query(
      `WITH due AS (
         SELECT c.id, c.owner_id, c.team FROM customer_profile.customers c
          WHERE c.owner_id IS NOT NULL AND c.erased_at IS NULL
            AND GREATEST(c.last_contact_at, c.owner_since, c.updated_at, c.created_at) < now() - make_interval(days => $1)
          FOR UPDATE SKIP LOCKED
       ), moved AS (
         UPDATE customer_profile.customers c SET owner_id = NULL, owner_since = NULL
           FROM due WHERE c.id = due.id RETURNING c.id, due.owner_id AS previous_owner_id, due.team
       )
       INSERT INTO customer_profile.ownership_history (customer_id, change, owner_id, team, previous_owner_id, previous_team, reason, changed_by)
       SELECT id, 'recycled', NULL, team, previous_owner_id, team, $2, NULL FROM moved
       RETURNING customer_id, previous_owner_id, team, changed_at`,
      [days, reason],
    );
  }
}
