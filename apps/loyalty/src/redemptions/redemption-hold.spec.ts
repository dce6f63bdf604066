import { ConfigError } from '@rapport/platform-config';
import { loadLoyaltyConfig } from '../config/loyalty.config';
import { availablePoints, decideHold, holdExpiry, isActive, type Hold } from './redemption-hold';

const now = new Date('2026-11-23T10:00:00Z');
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
const hold = (overrides: Partial<Hold> = {}): Hold => ({
  status: 'reserved',
  points: 100,
  expiresAt: minutes(5),
  ...overrides,
});

describe('redemption holds', () => {
  describe(decideHold.name, () => {
    it('spends a running hold the balance covers', () => {
      expect(decideHold(hold(), 'confirm', now, 100)).toEqual({ kind: 'spend' });
    });

    it('lets a hold go and refuses the confirm when expiry took points it needed', () => {
      expect(decideHold(hold(), 'confirm', now, 99)).toEqual({
        kind: 'release-and-refuse',
        to: 'cancelled',
        reason: 'not-covered',
      });
    });

    it('lets a hold whose time ran out go as expired, even if the job has not released it yet', () => {
      expect(decideHold(hold({ expiresAt: now }), 'confirm', now, 1_000)).toEqual({
        kind: 'release-and-refuse',
        to: 'expired',
        reason: 'expired',
      });
    });

    it('cancels a reserved hold, running or just lapsed', () => {
      expect(decideHold(hold(), 'cancel', now, 0)).toEqual({ kind: 'release', to: 'cancelled' });
      expect(decideHold(hold({ expiresAt: minutes(-1) }), 'cancel', now, 0)).toEqual({
        kind: 'release',
        to: 'cancelled',
      });
    });

    it.each([
      ['confirmed', 'confirm'],
      ['confirmed', 'cancel'],
      ['cancelled', 'confirm'],
      ['cancelled', 'cancel'],
      ['expired', 'confirm'],
      ['expired', 'cancel'],
    ] as const)('refuses: a %s redemption cannot take %s', (status, action) => {
      expect(decideHold(hold({ status }), action, now, 1_000)).toEqual({ kind: 'refuse', status });
    });
  });

  describe(availablePoints.name, () => {
    it('is the balance less the running holds, never below zero', () => {
      expect(availablePoints(1_000, 300)).toBe(700);
      expect(availablePoints(100, 300)).toBe(0);
    });
  });

  describe(isActive.name, () => {
    it('counts only reserved holds before their expiry', () => {
      expect(isActive(hold(), now)).toBe(true);
      expect(isActive(hold({ expiresAt: now }), now)).toBe(false);
      expect(isActive(hold({ status: 'confirmed' }), now)).toBe(false);
      expect(isActive(hold({ expiresAt: null }), now)).toBe(false);
    });
  });

  describe(holdExpiry.name, () => {
    it('adds the hold minutes', () => {
      expect(holdExpiry(now, 15)).toEqual(minutes(15));
    });
  });

  describe(loadLoyaltyConfig.name, () => {
    it('defaults to a 15-minute hold and a one-minute job', () => {
      expect(loadLoyaltyConfig({})).toEqual({ LOYALTY_HOLD_MINUTES: 15, LOYALTY_JOB_INTERVAL_MS: 60_000 });
    });

    it('reads the variables', () => {
      expect(loadLoyaltyConfig({ LOYALTY_HOLD_MINUTES: '5', LOYALTY_JOB_INTERVAL_MS: '0' })).toEqual({
        LOYALTY_HOLD_MINUTES: 5,
        LOYALTY_JOB_INTERVAL_MS: 0,
      });
    });

    it.each(['0', '-3', 'soon', '1.5', '20000'])('refuses LOYALTY_HOLD_MINUTES=%s naming the variable', (value) => {
      const sut = () => loadLoyaltyConfig({ LOYALTY_HOLD_MINUTES: value });
      expect(sut).toThrow(ConfigError);
      expect(sut).toThrow(/LOYALTY_HOLD_MINUTES/);
    });
  });
});
