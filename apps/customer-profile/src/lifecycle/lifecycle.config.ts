import { loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

const share = (fallback: number) =>
  z.coerce.number({ error: 'expected a number between 0 and 1' }).min(0).max(1).default(fallback);

/** How analytics' scores move the lifecycle, read and validated once at boot. */
export const lifecycleConfigSchema = z.object({
  /** A churn risk at or above this moves new, active and loyal customers to at_risk. */
  LIFECYCLE_AT_RISK_CHURN_RISK: share(0.7),
  /** Value tier A with a churn risk below this moves active customers to loyal. */
  LIFECYCLE_LOYAL_MAX_CHURN_RISK: share(0.3),
});

export type LifecycleConfig = z.infer<typeof lifecycleConfigSchema>;
export const LIFECYCLE_CONFIG = Symbol('CUSTOMER_PROFILE_LIFECYCLE_CONFIG');

export function loadLifecycleConfig(environment: NodeJS.ProcessEnv = process.env): LifecycleConfig {
  return loadConfig(lifecycleConfigSchema, environment);
}
