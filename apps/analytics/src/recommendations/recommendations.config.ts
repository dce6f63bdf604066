import { Module } from '@nestjs/common';
import { env, loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

/** The recommendation model's settings, read and validated once at boot (a bad value names the variable). */
export const recommendationsConfigSchema = z.object({
  /** Neighbours each SKU keeps (the most similar by cosine); also the most a customer with one SKU can get. */
  ANALYTICS_RECOMMENDATIONS_NEIGHBOURS: env.int(50, 1),
  /** Fewest baskets two SKUs must share to count as neighbours. */
  ANALYTICS_RECOMMENDATIONS_MIN_CO_COUNT: env.int(1, 1),
  /** The k of the evaluation's hit rate@k and NDCG@k. */
  ANALYTICS_RECOMMENDATIONS_EVAL_K: env.int(10, 1),
  /**
   * Customers whose last basket the evaluation holds out, at most: a fixed sample (the first by md5 of
   * their id) keeps a build over millions of baskets in minutes; 0 holds out every customer's.
   */
  ANALYTICS_RECOMMENDATIONS_EVAL_CUSTOMERS: env.int(20_000),
  /** Time between scheduled model builds; 0 turns the schedule off (builds on request still run). */
  ANALYTICS_RECOMMENDATIONS_INTERVAL_MS: env.int(86_400_000),
  /** How often each replica checks whether a build is due (the build itself happens once across replicas). */
  ANALYTICS_RECOMMENDATIONS_TICK_MS: env.int(60_000),
  /** How long POST …/builds waits for the build before answering 202 (it goes on in the background). */
  ANALYTICS_RECOMMENDATIONS_BUILD_WAIT_MS: env.int(3_000),
});

export type RecommendationsConfig = z.infer<typeof recommendationsConfigSchema>;
export const RECOMMENDATIONS_CONFIG = Symbol('ANALYTICS_RECOMMENDATIONS_CONFIG');

export function loadRecommendationsConfig(environment: NodeJS.ProcessEnv = process.env): RecommendationsConfig {
  return loadConfig(recommendationsConfigSchema, environment);
}

@Module({
  providers: [{ provide: RECOMMENDATIONS_CONFIG, useFactory: () => loadRecommendationsConfig() }],
  exports: [RECOMMENDATIONS_CONFIG],
})
export class RecommendationsConfigModule {}
