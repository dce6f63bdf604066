import { env, loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

/**
 * The surveys feature's settings. INTERACTION_SURVEY_LINK_SECRET signs the public answer links; without
 * it the key is derived from INTERNAL_AUTH_SECRET (HKDF, `signedTokenKey`), so a deployment needs nothing
 * new. Set it to rotate survey links apart from the internal secret.
 */
export const surveysConfigSchema = z.object({
  INTERACTION_SURVEY_LINK_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
  /** How long an invitation's link may be used when the request names no validity (days). */
  INTERACTION_SURVEY_LINK_TTL_DAYS: env.int(30, 1),
});

export type SurveysConfig = z.infer<typeof surveysConfigSchema>;
export const SURVEYS_CONFIG = Symbol('INTERACTION_SURVEYS_CONFIG');

export function loadSurveysConfig(environment: NodeJS.ProcessEnv = process.env): SurveysConfig {
  return loadConfig(surveysConfigSchema, environment, ['INTERACTION_SURVEY_LINK_SECRET']);
}
