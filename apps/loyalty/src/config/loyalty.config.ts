import { env, loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

/**
 * The loyalty service's own settings, validated once (the scheduler reads them at boot, so a bad
 * value stops the service with a message naming the variable):
 * - LOYALTY_JOB_INTERVAL_MS: how often expiry, hold release and tier review run (0 turns the job off);
 * - LOYALTY_HOLD_MINUTES: how long a redemption hold (`"hold": true`) keeps points and stock before it
 *   is released, if it is neither confirmed nor cancelled (at most a week).
 */
export const loyaltyConfigSchema = z.object({
  LOYALTY_JOB_INTERVAL_MS: env.int(60_000, 0),
  LOYALTY_HOLD_MINUTES: z.coerce
    .number({ error: 'expected an integer' })
    .int()
    .min(1)
    .max(7 * 24 * 60, 'expected at most 10080 (a week)')
    .default(15),
});

export type LoyaltyConfig = z.infer<typeof loyaltyConfigSchema>;

export function loadLoyaltyConfig(environment: NodeJS.ProcessEnv = process.env): LoyaltyConfig {
  return loadConfig(loyaltyConfigSchema, environment);
}

/** Injected where needed, read once at boot (as customer-profile's FEATURE_CONFIG). */
export const LOYALTY_CONFIG = Symbol('LOYALTY_CONFIG');
