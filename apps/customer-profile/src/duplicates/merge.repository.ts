import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * What a merge moves besides the record itself: purchases with their refunds, the purchase totals
 * (folded into the survivor's), the last contact and the analytics score. Set-based: a handful of
 * statements whatever the number of purchases. Purchase lines hang off the purchase and need no
 * change; external order ids are unique across customers already, so moving never collides.
 */
@Injectable()
export class MergeRepository {
  async movePurchases(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(`UPDATE customer_profile.purchases SET customer_id = $2 WHERE customer_id = $1`, [
      mergedId,
      survivorId,
    ]);
    await manager.query(`UPDATE customer_profile.purchase_refunds SET customer_id = $2 WHERE customer_id = $1`, [
      mergedId,
      survivorId,
    ]);
    // per currency: never summed across currencies
    await manager.query(
      `WITH gone AS (DELETE FROM customer_profile.customer_purchase_totals WHERE customer_id = $1 RETURNING currency, purchase_count, total, refunded)
       INSERT INTO customer_profile.customer_purchase_totals AS t (customer_id, currency, purchase_count, total, refunded)
       SELECT $2, currency, purchase_count, total, refunded FROM gone
       ON CONFLICT (customer_id, currency) DO UPDATE
         SET purchase_count = t.purchase_count + EXCLUDED.purchase_count, total = t.total + EXCLUDED.total, refunded = t.refunded + EXCLUDED.refunded`,
      [mergedId, survivorId],
    );
    // in the base currency (BASE_CURRENCY is one per deployment, so both summaries are in it)
    await manager.query(
      `WITH gone AS (
         DELETE FROM customer_profile.customer_purchase_summary WHERE customer_id = $1
         RETURNING base_currency, purchase_count, total_base, refunded_base, first_purchase_at, last_purchase_at
       )
       INSERT INTO customer_profile.customer_purchase_summary AS s
         (customer_id, base_currency, purchase_count, total_base, refunded_base, first_purchase_at, last_purchase_at)
       SELECT $2, base_currency, purchase_count, total_base, refunded_base, first_purchase_at, last_purchase_at FROM gone
       ON CONFLICT (customer_id) DO UPDATE
         SET purchase_count = s.purchase_count + EXCLUDED.purchase_count,
             total_base = s.total_base + EXCLUDED.total_base,
             refunded_base = s.refunded_base + EXCLUDED.refunded_base,
             first_purchase_at = LEAST(s.first_purchase_at, EXCLUDED.first_purchase_at),
             last_purchase_at = GREATEST(s.last_purchase_at, EXCLUDED.last_purchase_at)`,
      [mergedId, survivorId],
    );
  }

  /**
   * The survivor's last contact is the later of both (so the recycle job sees the merged customer's
   * touches), and the newer analytics score of the two is kept until analytics scores the survivor.
   */
  async foldActivity(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(
      `UPDATE customer_profile.customers s
          SET last_contact_at = GREATEST(s.last_contact_at, m.last_contact_at),
              value_tier = CASE WHEN m.scored_at > s.scored_at OR s.scored_at IS NULL AND m.scored_at IS NOT NULL THEN m.value_tier ELSE s.value_tier END,
              churn_risk = CASE WHEN m.scored_at > s.scored_at OR s.scored_at IS NULL AND m.scored_at IS NOT NULL THEN m.churn_risk ELSE s.churn_risk END,
              scored_at = GREATEST(s.scored_at, m.scored_at)
         FROM customer_profile.customers m
        WHERE s.id = $2 AND m.id = $1`,
      [mergedId, survivorId],
    );
  }
}
