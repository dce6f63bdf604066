import { env, loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

/**
 * The tickets feature's settings. CSAT_LINK_SECRET signs the customer's rating links; without it the
 * key is derived from INTERNAL_AUTH_SECRET (HKDF, see csat-link.ts), so a deployment needs nothing new.
 * Set it to rotate link keys apart from the internal secret (links signed with the old key then fail).
 */
export const ticketsConfigSchema = z.object({
  CSAT_LINK_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
  /** How long a CSAT link may be used after the resolution it asks about (days). */
  CSAT_LINK_TTL_DAYS: env.int(30, 1),
});

export type TicketsConfig = z.infer<typeof ticketsConfigSchema>;
export const TICKETS_CONFIG = Symbol('SERVICE_DESK_TICKETS_CONFIG');

export function loadTicketsConfig(environment: NodeJS.ProcessEnv = process.env): TicketsConfig {
  return loadConfig(ticketsConfigSchema, environment, ['CSAT_LINK_SECRET']);
}
