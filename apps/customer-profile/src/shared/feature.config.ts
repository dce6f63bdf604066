import { CURRENCY_CODE } from '@rapport/contracts';
import { env, loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

/** Settings of purchases, the public pool and lifecycle, read and validated once at boot. */
export const featureConfigSchema = z.object({
  BASE_CURRENCY: z.string().regex(CURRENCY_CODE, 'expected an ISO 4217 currency code such as CNY').default('CNY'),
  POOL_HOLDING_CAP: env.int(50, 1),
  POOL_RECYCLE_DAYS: env.int(30, 1),
  LIFECYCLE_CHURN_DAYS: env.int(180, 1),
  /** How often the recycle and churn jobs run; 0 turns the schedule off (the admin triggers remain). */
  CUSTOMER_JOBS_INTERVAL_MS: env.int(3_600_000, 0),
});

export type FeatureConfig = z.infer<typeof featureConfigSchema>;
export const FEATURE_CONFIG = Symbol('CUSTOMER_PROFILE_FEATURE_CONFIG');

export function loadFeatureConfig(environment: NodeJS.ProcessEnv = process.env): FeatureConfig {
  return loadConfig(featureConfigSchema, environment);
}
