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
