import type { LifecycleStage } from '@rapport/contracts';
import { LifecyclePolicy } from './lifecycle.policy';

describe(LifecyclePolicy.name, () => {
  const sut = new LifecyclePolicy();

  it('makes a prospect new on the first purchase', () => {
    expect(sut.onPurchase('prospect', 0)).toEqual({ to: 'new', reason: 'first purchase' });
  });

  it('makes new, won-back and at-risk customers active on a repeat purchase', () => {
    expect(sut.onPurchase('new', 1)?.to).toBe('active');
    expect(sut.onPurchase('won_back', 3)?.to).toBe('active');
    expect(sut.onPurchase('at_risk', 3)?.to).toBe('active');
  });

  it('wins back a churned customer', () => {
    expect(sut.onPurchase('churned', 5)).toEqual({ to: 'won_back', reason: 'purchase after churn' });
  });

  it('leaves active and loyal customers where they are', () => {
    expect(sut.onPurchase('active', 4)).toBeNull();
    expect(sut.onPurchase('loyal', 4)).toBeNull();
    expect(sut.onPurchase('loyal', 0)).toBeNull();
  });
});

describe(`${LifecyclePolicy.name} on scores`, () => {
  const sut = new LifecyclePolicy({ atRiskChurnRisk: 0.7, loyalMaxChurnRisk: 0.3 });

  it('makes a high-value, low-risk active customer loyal', () => {
    expect(sut.onScore('active', { valueTier: 'A', churnRisk: 0.1 })).toEqual({
      to: 'loyal',
      reason: 'scored by analytics',
    });
  });

  it('keeps lower tiers, higher risks and other stages out of loyal', () => {
    expect(sut.onScore('active', { valueTier: 'B', churnRisk: 0.1 })).toBeNull();
    expect(sut.onScore('active', { valueTier: 'A', churnRisk: 0.3 })).toBeNull();
    expect(sut.onScore('new', { valueTier: 'A', churnRisk: 0.1 })).toBeNull();
    expect(sut.onScore('loyal', { valueTier: 'A', churnRisk: 0.1 })).toBeNull();
    expect(sut.onScore('prospect', { valueTier: 'A', churnRisk: 0 })).toBeNull();
  });

  it('puts new, active and loyal customers at risk from the threshold on, whatever their value', () => {
    for (const stage of ['new', 'active', 'loyal'] as const) {
      expect(sut.onScore(stage, { valueTier: 'A', churnRisk: 0.7 })).toEqual({
        to: 'at_risk',
        reason: 'scored by analytics',
      });
    }
    expect(sut.onScore('active', { valueTier: 'C', churnRisk: 0.69 })).toBeNull();
  });

  it('leaves prospects, churned, won-back and at-risk customers to purchases', () => {
    for (const stage of ['prospect', 'churned', 'won_back', 'at_risk'] as const)
      expect(sut.onScore(stage, { valueTier: 'C', churnRisk: 0.95 })).toBeNull();
  });

  it('uses the configured thresholds', () => {
    const strict = new LifecyclePolicy({ atRiskChurnRisk: 0.5, loyalMaxChurnRisk: 0.05 });
    expect(strict.onScore('active', { valueTier: 'B', churnRisk: 0.5 })?.to).toBe('at_risk');
    expect(strict.onScore('active', { valueTier: 'A', churnRisk: 0.1 })).toBeNull();
  });
});

describe(`${LifecyclePolicy.name} on merges`, () => {
  const sut = new LifecyclePolicy();
  const side = (stage: LifecycleStage, purchaseCount = 0, lastPurchaseAt: string | null = null) => ({
    stage,
    purchaseCount,
    lastPurchaseAt: lastPurchaseAt ? new Date(lastPurchaseAt) : null,
  });

  it('makes two one-time buyers a repeat (active) customer', () => {
    expect(sut.onMerge(side('new', 1, '2026-01-01'), side('new', 1, '2026-02-01'), 'm')).toEqual({
      to: 'active',
      reason: 'merged with customer m',
    });
  });

  it('takes the stage of the side that bought most recently', () => {
    expect(sut.onMerge(side('churned', 3, '2025-01-01'), side('loyal', 5, '2026-10-01'), 'm')?.to).toBe('loyal');
    expect(sut.onMerge(side('loyal', 5, '2026-10-01'), side('churned', 3, '2025-01-01'), 'm')).toBeNull();
  });

  it('lets a buyer decide over a side that never bought', () => {
    expect(sut.onMerge(side('prospect'), side('new', 1, '2026-01-01'), 'm')?.to).toBe('new');
    expect(sut.onMerge(side('active', 2, '2026-01-01'), side('at_risk'), 'm')).toBeNull();
  });

  it('keeps the survivor\u2019s stage when neither bought, unless it is still a prospect', () => {
    expect(sut.onMerge(side('at_risk'), side('loyal'), 'm')).toBeNull();
    expect(sut.onMerge(side('prospect'), side('loyal'), 'm')?.to).toBe('loyal');
    expect(sut.onMerge(side('prospect'), side('prospect'), 'm')).toBeNull();
  });
});
