import { Injectable } from '@nestjs/common';
import type { CustomerVisibility } from '@rapport/platform-auth';
import { DataSource, type EntityManager } from 'typeorm';
import { visibilitySql } from '../shared/visibility.sql';

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

  async lockVisible(
    manager: EntityManager,
    id: string,
    visibility: CustomerVisibility,
  ): Promise<{ ownerId: string | null; team: string | null } | null> {
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
    const rows: { n: number }[] = await manager.query(
      `SELECT count(*)::int AS n FROM customer_profile.customers WHERE owner_id = $1`,
      [ownerId],
    );
    return rows[0]!.n;
  }

  /**
   * How many customers each of `ownerIds` holds, after taking each one's claim lock (in a fixed
   * order, so two assignments never wait on each other crosswise): a claim or another assignment
   * cannot slip a member over the cap meanwhile.
   */
  async holdingsOf(manager: EntityManager, ownerIds: readonly string[]): Promise<Map<string, number>> {
    if (ownerIds.length === 0) return new Map();
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtext('customer-profile.pool-claim:' || o.id))
         FROM (SELECT DISTINCT id FROM unnest($1::text[]) AS u(id) ORDER BY id) o`,
      [ownerIds],
    );
    const rows: { owner_id: string; n: number }[] = await manager.query(
      `SELECT owner_id, count(*)::int AS n FROM customer_profile.customers WHERE owner_id = ANY($1::text[]) GROUP BY owner_id`,
      [ownerIds],
    );
    return new Map(rows.map((r) => [r.owner_id, r.n]));
  }

  /** A merge: the merged customer's ownership history becomes part of the survivor's. */
  async moveHistory(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(`UPDATE customer_profile.ownership_history SET customer_id = $2 WHERE customer_id = $1`, [
      mergedId,
      survivorId,
    ]);
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
      [
        change.customerId,
        change.ownerId,
        change.team,
        change.change,
        change.previous.ownerId,
        change.previous.team,
        change.reason,
        change.changedBy,
      ],
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
   * Returns to the pool every owned customer without contact (a logged interaction, a purchase, an update, an ownership
   * change) for the days of its value tier (`days.none` without a tier), in one statement with its
   * history. Rows locked elsewhere are skipped and an already recycled customer has no owner, so
   * running twice (or on two replicas) recycles once.
   */
  async recycleInactive(
    manager: EntityManager,
    days: { A: number; B: number; C: number; none: number },
  ): Promise<
    { customer_id: string; previous_owner_id: string; team: string | null; reason: string; changed_at: Date }[]
  > {
    return manager.query(
      `WITH due AS (
         SELECT c.id, c.owner_id, c.team, d.days FROM customer_profile.customers c
          CROSS JOIN LATERAL (SELECT CASE c.value_tier WHEN 'A' THEN $1::int WHEN 'B' THEN $2::int WHEN 'C' THEN $3::int ELSE $4::int END AS days) d
          WHERE c.owner_id IS NOT NULL AND c.erased_at IS NULL
            AND GREATEST(c.last_contact_at, c.owner_since, c.updated_at, c.created_at) < now() - make_interval(days => d.days)
          FOR UPDATE OF c SKIP LOCKED
       ), moved AS (
         UPDATE customer_profile.customers c SET owner_id = NULL, owner_since = NULL
           FROM due WHERE c.id = due.id RETURNING c.id, due.owner_id AS previous_owner_id, due.team, due.days
       )
       INSERT INTO customer_profile.ownership_history (customer_id, change, owner_id, team, previous_owner_id, previous_team, reason, changed_by)
       SELECT id, 'recycled', NULL, team, previous_owner_id, team, 'no contact for ' || days || ' days', NULL FROM moved
       RETURNING customer_id, previous_owner_id, team, reason, changed_at`,
      [days.A, days.B, days.C, days.none],
    );
  }
}
