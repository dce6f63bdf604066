import { DEMO_PROGRAMME } from '../programme/programme';
import { tierAfterMerge } from './merge-model';

describe('tierAfterMerge', () => {
  const at = new Date('2026-12-04T00:00:00Z');
  const soon = new Date('2027-02-01T00:00:00Z');
  const late = new Date('2027-10-01T00:00:00Z');
  const none = { tier: null, periodEndsAt: null };

  it('keeps the survivor’s tier when neither the merged customer nor the combined window is higher', () => {
    expect(
      tierAfterMerge(
        DEMO_PROGRAMME,
        { tier: 'gold', periodEndsAt: late },
        { tier: 'silver', periodEndsAt: soon },
        'silver',
        at,
        'src',
      ),
    ).toEqual({ change: false });
    expect(tierAfterMerge(DEMO_PROGRAMME, none, none, null, at, 'src')).toEqual({ change: false });
  });

  it('takes the merged customer’s higher tier with its own review date', () => {
    expect(
      tierAfterMerge(
        DEMO_PROGRAMME,
        { tier: 'silver', periodEndsAt: late },
        { tier: 'gold', periodEndsAt: soon },
        'silver',
        at,
        'src',
      ),
    ).toEqual({
      change: true,
      to: 'gold',
      periodEndsAt: soon,
      reason: 'held by merged customer src',
    });
  });

  it('upgrades at once, for a fresh period, when the combined window qualifies higher than both', () => {
    expect(tierAfterMerge(DEMO_PROGRAMME, { tier: 'silver', periodEndsAt: soon }, none, 'gold', at, 'src')).toEqual({
      change: true,
      to: 'gold',
      periodEndsAt: new Date('2027-12-04T00:00:00Z'),
      reason: 'qualified by merge with customer src',
    });
  });

  it('between equal tiers keeps the later review date', () => {
    expect(
      tierAfterMerge(
        DEMO_PROGRAMME,
        { tier: 'gold', periodEndsAt: soon },
        { tier: 'gold', periodEndsAt: late },
        null,
        at,
        'src',
      ),
    ).toEqual({
      change: true,
      to: 'gold',
      periodEndsAt: late,
      reason: 'held by merged customer src',
    });
    expect(
      tierAfterMerge(
        DEMO_PROGRAMME,
        { tier: 'gold', periodEndsAt: late },
        { tier: 'gold', periodEndsAt: soon },
        null,
        at,
        'src',
      ),
    ).toEqual({ change: false });
  });
});
