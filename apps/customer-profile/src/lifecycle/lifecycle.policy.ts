import type { LifecycleStage, ValueTier } from '@rapport/contracts';

export type LifecycleMove = { to: LifecycleStage; reason: string };

/** One side of a merge as the lifecycle sees it. */
export interface MergeSide {
  stage: LifecycleStage;
  purchaseCount: number;
  lastPurchaseAt: Date | null;
}

export interface ScoreThresholds {
  /** churnRisk at or above this: at_risk. */
  atRiskChurnRisk: number;
  /** tier A with churnRisk below this: loyal. */
  loyalMaxChurnRisk: number;
}

export const SCORED_REASON = 'scored by analytics';

/**
 * Automatic lifecycle moves: the first purchase makes a prospect new, repeat purchases make a
 * customer active, a purchase after churn wins the customer back; analytics' scores make active
 * customers loyal or customers at risk; a merge settles on one stage. null: the stage stays.
 */
export class LifecyclePolicy {
  constructor(private readonly thresholds: ScoreThresholds = { atRiskChurnRisk: 0.7, loyalMaxChurnRisk: 0.3 }) {}

  onPurchase(current: LifecycleStage, purchasesBefore: number): LifecycleMove | null {
    if (current === 'churned') return { to: 'won_back', reason: 'purchase after churn' };
    if (purchasesBefore === 0) return current === 'prospect' ? { to: 'new', reason: 'first purchase' } : null;
    if (current === 'prospect' || current === 'new' || current === 'won_back' || current === 'at_risk') {
      return { to: 'active', reason: 'repeat purchase' };
    }
    return null;
  }

  /**
   * A score: a churn risk at or above the threshold puts new, active and loyal customers at risk
   * (risk wins over value); a high value (tier A) with a low risk makes an active customer loyal.
   * Prospects, churned and won-back customers wait for purchases to move them.
   */
  onScore(current: LifecycleStage, score: { valueTier: ValueTier; churnRisk: number }): LifecycleMove | null {
    if (score.churnRisk >= this.thresholds.atRiskChurnRisk) {
      return current === 'new' || current === 'active' || current === 'loyal'
        ? { to: 'at_risk', reason: SCORED_REASON }
        : null;
    }
    if (score.valueTier === 'A' && score.churnRisk < this.thresholds.loyalMaxChurnRisk && current === 'active') {
      return { to: 'loyal', reason: SCORED_REASON };
    }
    return null;
  }

  /**
   * The stage of a merged customer: the side that bought most recently describes the relationship
   * (a side that never bought only counts when neither did, and then a survivor still a prospect
   * takes the other's stage); together more than one purchase is a repeat customer, so new becomes
   * active. null when the survivor's stage stays.
   */
  onMerge(survivor: MergeSide, merged: MergeSide, mergedId: string): LifecycleMove | null {
    const bought = (s: MergeSide) => s.purchaseCount > 0;
    let lead: MergeSide;
    if (!bought(survivor) && !bought(merged)) lead = survivor.stage === 'prospect' ? merged : survivor;
    else if (!bought(merged)) lead = survivor;
    else if (!bought(survivor)) lead = merged;
    else lead = (merged.lastPurchaseAt?.getTime() ?? 0) > (survivor.lastPurchaseAt?.getTime() ?? 0) ? merged : survivor;
    const purchases = survivor.purchaseCount + merged.purchaseCount;
    let to = lead.stage;
    if (purchases > 0 && to === 'prospect') to = 'new';
    if (purchases > 1 && to === 'new') to = 'active';
    return to === survivor.stage ? null : { to, reason: `merged with customer ${mergedId}` };
  }

  /** Stages that the churn job may move to churned: those of customers who have bought. */
  readonly churnable: readonly LifecycleStage[] = ['new', 'active', 'loyal', 'at_risk', 'won_back'];
}
