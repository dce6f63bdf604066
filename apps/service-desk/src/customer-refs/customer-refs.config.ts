import { loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

/**
 * Who is a VIP for service-desk: a customer whose analytics value tier is A, or whose loyalty tier is
 * one of SERVICE_DESK_VIP_LOYALTY_TIERS (loyalty's top tier of the demo programme: platinum). The
 * flag is worked out when either event arrives, so a change of this list applies from the next one.
 */
export const customerRefsConfigSchema = z.object({
  SERVICE_DESK_VIP_LOYALTY_TIERS: z
    .string()
    .default('platinum')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine(
      (tiers) => tiers.every((t) => /^[A-Za-z0-9_-]{1,50}$/.test(t)),
      'expected a comma-separated list of tier codes',
    ),
});

export type CustomerRefsConfig = z.infer<typeof customerRefsConfigSchema>;
export const CUSTOMER_REFS_CONFIG = Symbol('SERVICE_DESK_CUSTOMER_REFS_CONFIG');

export function loadCustomerRefsConfig(environment: NodeJS.ProcessEnv = process.env): CustomerRefsConfig {
  return loadConfig(customerRefsConfigSchema, environment);
}
