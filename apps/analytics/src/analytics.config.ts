import { Global, Module } from '@nestjs/common';
import { loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

/**
 * analytics's own settings, read and validated once at boot; a bad value stops the service with a
 * message naming the variable. The platform's settings (database, Kafka, port) are ServiceCoreModule's.
 * Name new variables ANALYTICS_*, give each a default or say why it has none, and list secrets
 * in the third argument of loadConfig so their values are never echoed.
 */
export const analyticsConfigSchema = z.object({});

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
