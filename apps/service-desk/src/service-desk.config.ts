import { Global, Module } from '@nestjs/common';
import { env, loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

/**
 * service-desk's own settings, read and validated once at boot; a bad value stops the service with a
 * message naming the variable. The platform's settings (database, Kafka, port) are ServiceCoreModule's.
 * Name new variables SERVICE_DESK_*, give each a default or say why it has none, and list secrets
 * in the third argument of loadConfig so their values are never echoed.
 */
export const serviceDeskConfigSchema = z.object({
  /** How long after its resolution a customer may have a ticket reopened (days; 0: never). */
  TICKET_REOPEN_WINDOW_DAYS: env.int(14, 0),
  /**
   * How often the SLA scheduler fires due warnings, breaches and escalations and recomputes tickets after a
   * policy or calendar change (ms; 0 turns it off). An event is published at most this long after its instant.
   */
  SERVICE_DESK_SLA_TICK_MS: env.int(10_000, 0),
});

export type ServiceDeskConfig = z.infer<typeof serviceDeskConfigSchema>;
export const SERVICE_DESK_CONFIG = Symbol('SERVICE_DESK_CONFIG');

export function loadServiceDeskConfig(environment: NodeJS.ProcessEnv = process.env): ServiceDeskConfig {
  return loadConfig(serviceDeskConfigSchema, environment);
}

@Global()
@Module({
  providers: [{ provide: SERVICE_DESK_CONFIG, useFactory: () => loadServiceDeskConfig() }],
  exports: [SERVICE_DESK_CONFIG],
})
export class ServiceDeskConfigModule {}
