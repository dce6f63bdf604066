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
  /**
   * The WeChat Official Account (公众号 → 设置与开发 → 基本配置 → 服务器配置): the Token WeChat signs its
   * callbacks with, the EncodingAESKey of safe mode (43 characters), and the AppID that safe-mode
   * messages must name. The defaults are the local stack's demo account; set all three in production.
   */
  INTERACTION_WECHAT_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9]{3,32}$/, '3 to 32 letters or digits')
    .default('rapportdemo'),
  INTERACTION_WECHAT_ENCODING_AES_KEY: z
    .string()
    .regex(/^[A-Za-z0-9]{43}$/, '43 letters or digits')
    .default('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'),
  INTERACTION_WECHAT_APP_ID: z.string().min(1).max(64).default('wxrapportdemo0001'),
  /** The AppSecret, to obtain the access token of WeChat's API (outbound customer-service messages). */
  INTERACTION_WECHAT_APP_SECRET: z.string().min(1).default('rapport-demo-app-secret'),
  /** WeChat's API; the tests point it at a local endpoint that records what it receives. */
  INTERACTION_WECHAT_API_URL: env.url(['http', 'https']).default('https://api.weixin.qq.com'),
  /** How often messages held for a sender not yet known as a customer are logged once the customer is known (ms; 0 off). */
  INTERACTION_WECHAT_TICK_MS: env.int(1_000, 0),
});

export type InteractionConfig = z.infer<typeof interactionConfigSchema>;
export const INTERACTION_CONFIG = Symbol('INTERACTION_CONFIG');

export function loadInteractionConfig(environment: NodeJS.ProcessEnv = process.env): InteractionConfig {
  return loadConfig(interactionConfigSchema, environment, [
    'INTERACTION_WECHAT_TOKEN',
    'INTERACTION_WECHAT_ENCODING_AES_KEY',
    'INTERACTION_WECHAT_APP_SECRET',
  ]);
}

@Global()
@Module({
  providers: [{ provide: INTERACTION_CONFIG, useFactory: () => loadInteractionConfig() }],
  exports: [INTERACTION_CONFIG],
})
export class InteractionConfigModule {}
