import { ConfigError } from '@rapport/platform-config';
import { loadAnalyticsConfig } from './analytics.config';

describe(loadAnalyticsConfig.name, () => {
  it('defaults to the 80/95 Pareto cut, nightly full runs checked every minute, rebuilds watched every second', () => {
    expect(loadAnalyticsConfig({})).toEqual({
      ANALYTICS_TIER_A_SHARE: 0.8,
      ANALYTICS_TIER_B_SHARE: 0.95,
      ANALYTICS_SCORING_INTERVAL_MS: 86_400_000,
      ANALYTICS_SCORING_TICK_MS: 60_000,
      ANALYTICS_REBUILD_WATCH_MS: 1_000,
      ANALYTICS_REBUILD_STOP_TIMEOUT_MS: 60_000,
      ANALYTICS_REBUILD_LEASE_MS: 30_000,
    });
  });

  it('takes configured shares', () => {
    expect(loadAnalyticsConfig({ ANALYTICS_TIER_A_SHARE: '0.7', ANALYTICS_TIER_B_SHARE: '0.9' })).toMatchObject({
      ANALYTICS_TIER_A_SHARE: 0.7,
      ANALYTICS_TIER_B_SHARE: 0.9,
    });
  });

  it('refuses a B share below the A share, naming the variable', () => {
    expect(() => loadAnalyticsConfig({ ANALYTICS_TIER_A_SHARE: '0.9', ANALYTICS_TIER_B_SHARE: '0.8' })).toThrow(
      /ANALYTICS_TIER_B_SHARE: expected a share at least ANALYTICS_TIER_A_SHARE/,
    );
  });

  it('refuses a share outside (0, 1]', () => {
    expect(() => loadAnalyticsConfig({ ANALYTICS_TIER_A_SHARE: '0' })).toThrow(ConfigError);
    expect(() => loadAnalyticsConfig({ ANALYTICS_TIER_A_SHARE: '1.5' })).toThrow(/ANALYTICS_TIER_A_SHARE/);
    expect(() => loadAnalyticsConfig({ ANALYTICS_TIER_B_SHARE: 'lots' })).toThrow(/ANALYTICS_TIER_B_SHARE/);
  });
});
