import { ConfigError } from '@rapport/platform-config';
import { loadFeatureConfig } from './feature.config';

describe('loadFeatureConfig', () => {
  it('has defaults', () => {
    expect(loadFeatureConfig({})).toMatchObject({ BASE_CURRENCY: 'CNY', POOL_HOLDING_CAP: 50, POOL_RECYCLE_DAYS: 30 });
  });

  it('names a bad variable', () => {
    expect(() => loadFeatureConfig({ BASE_CURRENCY: 'yuan' })).toThrow(ConfigError);
    expect(() => loadFeatureConfig({ POOL_HOLDING_CAP: '0' })).toThrow(/POOL_HOLDING_CAP/);
  });
});
