import { Global, Module } from '@nestjs/common';
import { env, loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

/**
 * interaction's own settings, read and validated once at boot; a bad value stops the service with a
 * message naming the variable. The platform's settings (database, Kafka, port) are ServiceCoreModule's.
 * Name new variables INTERACTION_*, give each a default or say why it has none, and list secrets
 * in the third argument of loadConfig so their values are never echoed.
 */
export const interactionConfigSchema = z.object({
  /**
   * How often the follow-up scheduler fires due reminders and overdue events (ms; 0 turns it off). An event
   * is published at most this long after its instant.
   */
  INTERACTION_FOLLOW_UP_TICK_MS: env.int(10_000, 0),
  /** How many business minutes before a follow-up's due time its reminder (follow-up.due) fires. */
  INTERACTION_REMINDER_BUSINESS_MINUTES: env.int(30, 0),
  /**
   * The business calendar of follow-ups (reminders, snoozes by business minutes, "due today"): a calendar
   * document as service-desk's API takes it (JSON: timeZone, weekly, overrides). Default: China's office
   * hours (Asia/Shanghai, 09:00–12:00 and 13:30–18:00 on working days) with the official holidays and
   * make-up days, the calendar service-desk seeds as china-standard.
   */
  INTERACTION_FOLLOW_UP_CALENDAR: z.string().min(2).optional(),
});

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
