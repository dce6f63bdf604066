import { Global, Module } from '@nestjs/common';
import { loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

/**
 * interaction's own settings, read and validated once at boot; a bad value stops the service with a
 * message naming the variable. The platform's settings (database, Kafka, port) are ServiceCoreModule's.
 * Name new variables INTERACTION_*, give each a default or say why it has none, and list secrets
 * in the third argument of loadConfig so their values are never echoed.
 */
export const interactionConfigSchema = z.object({});

export type InteractionConfig = z.infer<typeof interactionConfigSchema>;
export const INTERACTION_CONFIG = Symbol('INTERACTION_CONFIG');

export function loadInteractionConfig(environment: NodeJS.ProcessEnv = process.env): InteractionConfig {
  return loadConfig(interactionConfigSchema, environment);
}

@Global()
@Module({
  providers: [{ provide: INTERACTION_CONFIG, useFactory: () => loadInteractionConfig() }],
  exports: [INTERACTION_CONFIG],
})
export class InteractionConfigModule {}
