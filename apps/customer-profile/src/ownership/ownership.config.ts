import { env, loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

/**
 * Days without contact before an owned customer returns to the pool, per value tier; customers
 * without a tier use POOL_RECYCLE_DAYS (purchases.config.ts). Read and validated once at boot.
 */
export const ownershipConfigSchema = z.object({
  POOL_RECYCLE_DAYS_A: env.int(60, 1),
  POOL_RECYCLE_DAYS_B: env.int(30, 1),
  POOL_RECYCLE_DAYS_C: env.int(15, 1),
});

export type OwnershipConfig = z.infer<typeof ownershipConfigSchema>;
export const OWNERSHIP_CONFIG = Symbol('CUSTOMER_PROFILE_OWNERSHIP_CONFIG');

export function loadOwnershipConfig(environment: NodeJS.ProcessEnv = process.env): OwnershipConfig {
  return loadConfig(ownershipConfigSchema, environment);
}
