import { Injectable } from '@nestjs/common';
import type { LifecycleStage } from '@rapport/contracts';
import type { CustomerVisibility } from '@rapport/platform-auth';
import { DataSource, type EntityManager } from 'typeorm';
import { visibilitySql } from '../shared/visibility.sql';
import type { MergeSide } from './lifecycle.policy';

export interface LifecycleRow {
  from_stage: string | null;
  to_stage: string;
  reason: string;
  automatic: boolean;
  changed_by: string | null;
  changed_at: Date;
}

export interface LifecycleState {
  stage: string;
  changedAt: Date | null;
  valueTier: string | null;
  churnRisk: number | null;
  scoredAt: Date | null;
}

@Injectable()
export class LifecycleRepository {
  constructor(private readonly dataSource: DataSource) {}

  async lockVisible(
    manager: EntityManager,
    id: string,
    visibility: CustomerVisibility,
  ): Promise<{ id: string; stage: LifecycleStage } | null> {
    const params: unknown[] = [id];
    const rows: { id: string; stage: LifecycleStage }[] = await manager.query(
      `SELECT c.id, c.lifecycle_stage AS stage FROM customer_profile.customers c
        WHERE c.id = $1 AND c.erased_at IS NULL AND ${visibilitySql(visibility, params)} FOR UPDATE`,
      params,
    );
    return rows[0] ?? null;
  }

  async findVisible(id: string, visibility: CustomerVisibility): Promise<LifecycleState | null> {
    const params: unknown[] = [id];
    const rows: {
      stage: string;
      changed_at: Date | null;
      value_tier: string | null;
      churn_risk: string | null;
      scored_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT c.lifecycle_stage AS stage, c.lifecycle_changed_at AS changed_at, c.value_tier, c.churn_risk::text, c.scored_at
           FROM customer_profile.customers c
          WHERE c.id = $1 AND ${visibilitySql(visibility, params)}`,
      params,
    );
    const row = rows[0];
    if (!row) return null;
    return {
      stage: row.stage,
      changedAt: row.changed_at,
      valueTier: row.value_tier,
      churnRisk: row.churn_risk === null ? null : Number(row.churn_risk),
      scoredAt: row.scored_at,
    };
  }

  /** Both sides of a merge before their purchases come together: stage, purchase count, last purchase. */
  async mergeSides(
    manager: EntityManager,
    survivorId: string,
    mergedId: string,
  ): Promise<{ survivor: MergeSide; merged: MergeSide }> {
    const rows: { id: string; stage: LifecycleStage; purchase_count: number; last_purchase_at: Date | null }[] =
      await manager.query(
        `SELECT c.id, c.lifecycle_stage AS stage, coalesce(s.purchase_count, 0)::int AS purchase_count, s.last_purchase_at
         FROM customer_profile.customers c LEFT JOIN customer_profile.customer_purchase_summary s ON s.customer_id = c.id
        WHERE c.id IN ($1, $2)`,
        [survivorId, mergedId],
      );
    const side = (id: string): MergeSide => {
      const row = rows.find((r) => r.id === id);
      return {
        stage: row?.stage ?? 'prospect',
        purchaseCount: row?.purchase_count ?? 0,
        lastPurchaseAt: row?.last_purchase_at ?? null,
      };
    };
    return { survivor: side(survivorId), merged: side(mergedId) };
  }

  /** A merge: the merged customer's stage history becomes part of the survivor's. */
  async moveHistory(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(`UPDATE customer_profile.lifecycle_history SET customer_id = $2 WHERE customer_id = $1`, [
      mergedId,
      survivorId,
    ]);
  }

  async history(id: string): Promise<LifecycleRow[]> {
    return this.dataSource.query(
      `SELECT from_stage, to_stage, reason, automatic, changed_by, changed_at FROM customer_profile.lifecycle_history
        WHERE customer_id = $1 ORDER BY id`,
      [id],
    );
  }

  async setStage(
    manager: EntityManager,
    change: {
      customerId: string;
      from: string | null;
      to: string;
      reason: string;
      automatic: boolean;
      changedBy: string | null;
    },
  ): Promise<Date> {
    const rows: { changed_at: Date }[] = await manager.query(
      `WITH moved AS (
         UPDATE customer_profile.customers SET lifecycle_stage = $3, lifecycle_changed_at = now() WHERE id = $1 RETURNING id
       )
       INSERT INTO customer_profile.lifecycle_history (customer_id, from_stage, to_stage, reason, automatic, changed_by)
       SELECT id, $2, $3, $4, $5, $6 FROM moved RETURNING changed_at`,
      [change.customerId, change.from, change.to, change.reason, change.automatic, change.changedBy],
    );
    return rows[0]!.changed_at;
  }

  /**
   * Moves every customer whose last purchase is older than the cutoff to churned, in one statement,
   * and records the history. Rows locked by a concurrent run are skipped; a second run finds nothing.
   */
  async churnInactive(
    manager: EntityManager,
    churnable: readonly string[],
    days: number,
    reason: string,
  ): Promise<{ customer_id: string; from_stage: string; changed_at: Date }[]> {
    return manager.query(
      `WITH due AS (
         SELECT c.id, c.lifecycle_stage FROM customer_profile.customers c
           JOIN customer_profile.customer_purchase_summary s ON s.customer_id = c.id
          WHERE c.lifecycle_stage = ANY($1::text[]) AND c.erased_at IS NULL AND s.last_purchase_at < now() - make_interval(days => $2)
          FOR UPDATE OF c SKIP LOCKED
       ), moved AS (
         UPDATE customer_profile.customers c SET lifecycle_stage = 'churned', lifecycle_changed_at = now()
           FROM due WHERE c.id = due.id RETURNING c.id, due.lifecycle_stage AS from_stage
       )
       INSERT INTO customer_profile.lifecycle_history (customer_id, from_stage, to_stage, reason, automatic, changed_by)
       SELECT id, from_stage, 'churned', $3, true, null FROM moved
       RETURNING customer_id, from_stage, changed_at`,
      [churnable, days, reason],
    );
  }
}
