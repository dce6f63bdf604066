import { Injectable } from '@nestjs/common';
import type { LifecycleStage, ValueTier } from '@rapport/contracts';
import type { EntityManager } from 'typeorm';

export interface ScoreToApply {
  customerId: string;
  valueTier: ValueTier;
  churnRisk: number;
  scoredAt: string;
}

@Injectable()
export class ScoresRepository {
  /**
   * Stores the score on the customer (row locked by the update) when it is newer than the one
   * applied; null when the customer is unknown, erased or merged (analytics re-keys on
   * customer.merged and scores the survivor), or the score is not newer. Not a contact and not an
   * edit of the record: updated_at and version stay.
   */
  async apply(manager: EntityManager, score: ScoreToApply): Promise<{ stage: LifecycleStage } | null> {
    // TypeORM answers an UPDATE with [rows, affected count]
    const [rows]: [{ stage: LifecycleStage }[], number] = await manager.query(
      `UPDATE customer_profile.customers SET value_tier = $2, churn_risk = $3, scored_at = $4
        WHERE id = $1 AND erased_at IS NULL AND merged_into IS NULL AND (scored_at IS NULL OR scored_at < $4::timestamptz)
        RETURNING lifecycle_stage AS stage`,
      [score.customerId, score.valueTier, score.churnRisk, score.scoredAt],
    );
    return rows[0] ?? null;
  }
}
