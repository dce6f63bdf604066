import { Global, Module } from '@nestjs/common';
import { env, loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

/**
 * analytics's own settings, read and validated once at boot; a bad value stops the service with a
 * message naming the variable. The platform's settings (database, Kafka, port) are ServiceCoreModule's.
 * Name new variables ANALYTICS_*, give each a default or say why it has none, and list secrets
 * in the third argument of loadConfig so their values are never echoed.
 */
const share = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a share between 0 and 1' })
    .gt(0, 'expected a share above 0')
    .max(1, 'expected a share of at most 1')
    .default(fallback);

export const analyticsConfigSchema = z
  .object({
    /** Share of the total value that tier A customers make up ("the customers making the top 80 % of value"). */
    ANALYTICS_TIER_A_SHARE: share(0.8),
    /** Cumulative share of value up to which customers are tier B; the rest are C. */
    ANALYTICS_TIER_B_SHARE: share(0.95),
    /** Time between full scoring runs; 0 turns the job off (incremental scoring still runs). */
    ANALYTICS_SCORING_INTERVAL_MS: env.int(86_400_000),
    /** How often each replica checks whether a full run is due (the run itself happens once across replicas). */
    ANALYTICS_SCORING_TICK_MS: env.int(60_000),
    /** How often each replica looks at the running rebuild: pauses or resumes its consumer, records progress. */
    ANALYTICS_REBUILD_WATCH_MS: env.int(1_000),
    /** How long a rebuild waits for every replica to stop consuming before it fails (nothing was emptied then). */
    ANALYTICS_REBUILD_STOP_TIMEOUT_MS: env.int(60_000),
    /** A stopping rebuild whose replica went silent this long is failed by the others, who resume consuming. */
    ANALYTICS_REBUILD_LEASE_MS: env.int(30_000),
  })
  .refine((c) => c.ANALYTICS_TIER_B_SHARE >= c.ANALYTICS_TIER_A_SHARE, {
    path: ['ANALYTICS_TIER_B_SHARE'],
    message: 'expected a share at least ANALYTICS_TIER_A_SHARE',
  });

export type AnalyticsConfig = z.infer<typeof analyticsConfigSchema>;
export const ANALYTICS_CONFIG = Symbol('ANALYTICS_CONFIG');

export function loadAnalyticsConfig(environment: NodeJS.ProcessEnv = process.env): AnalyticsConfig {
  return loadConfig(analyticsConfigSchema, environment);
}

@Global()
@Module({
  providers: [{ provide: ANALYTICS_CONFIG, useFactory: () => loadAnalyticsConfig() }],
  exports: [ANALYTICS_CONFIG],
})
export class AnalyticsConfigModule {}
