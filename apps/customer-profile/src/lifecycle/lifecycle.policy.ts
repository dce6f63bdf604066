import type { LifecycleStage } from '@rapport/contracts';

/**
 * Automatic lifecycle moves: the first purchase makes a prospect new, repeat purchases make a
 * customer active, a purchase after churn wins the customer back. null: the stage stays.
 */
export class LifecyclePolicy {
  onPurchase(current: LifecycleStage, purchasesBefore: number): { to: LifecycleStage; reason: string } | null {
    if (current === 'churned') return { to: 'won_back', reason: 'purchase after churn' };
    if (purchasesBefore === 0) return current === 'prospect' ? { to: 'new', reason: 'first purchase' } : null;
    if (current === 'prospect' || current === 'new' || current === 'won_back' || current === 'at_risk') {
      return { to: 'active', reason: 'repeat purchase' };
    }
    return null;
  }

  /** Stages that the churn job may move to churned: those of customers who have bought. */
  readonly churnable: readonly LifecycleStage[] = ['new', 'active', 'loyal', 'at_risk', 'won_back'];
}
