import { env, loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

/**
 * The campaigns feature's settings. Mail goes to the SMTP relay INTERACTION_SMTP_URL (locally the
 * stack's MailDev); SMS to the provider INTERACTION_SMS_PROVIDER (`http`: a JSON POST to
 * INTERACTION_SMS_URL). INTERACTION_CAMPAIGN_RATE is the most messages per second this process hands
 * to the transports, over all campaigns.
 */
export const campaignsConfigSchema = z.object({
  INTERACTION_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected smtp://host:port or smtps://…')
    .default('smtp://127.0.0.1:1025'),
  INTERACTION_MAIL_FROM: z.string().min(3).default('Rapport <marketing@rapport.local>'),
  INTERACTION_SMS_PROVIDER: z.enum(['http']).default('http'),
  INTERACTION_SMS_URL: z.url().default('http://127.0.0.1:1081/sms'),
  /** Messages per second, over all campaigns of this process (0: the sender is off). */
  INTERACTION_CAMPAIGN_RATE: env.int(50, 0),
  /**
   * Recipients in flight at once per process, each in its own transaction holding a database connection
   * while its message is handed over (keep it below DB_POOL_MAX). The rate needs rate × hand-over time.
   */
  INTERACTION_CAMPAIGN_WORKERS: z.coerce.number({ error: 'expected an integer' }).int().min(1).max(64).default(6),
  /**
   * Recipients per transaction. 1 keeps a crash's possible second copies to the workers in flight;
   * more saves round trips (faster) and widens that window to WORKERS × BATCH messages.
   */
  INTERACTION_CAMPAIGN_BATCH: z.coerce.number({ error: 'expected an integer' }).int().min(1).max(500).default(1),
  /** How often the sender looks for queued recipients when idle (ms). */
  INTERACTION_CAMPAIGN_TICK_MS: env.int(1_000, 50),
  /** Where the one-click unsubscribe links of mails point (the gateway's public base URL). */
  INTERACTION_PUBLIC_BASE_URL: z.url().default('http://localhost:3000'),
  INTERACTION_UNSUBSCRIBE_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
});

export type CampaignsConfig = z.infer<typeof campaignsConfigSchema>;
export const CAMPAIGNS_CONFIG = Symbol('INTERACTION_CAMPAIGNS_CONFIG');

export function loadCampaignsConfig(environment: NodeJS.ProcessEnv = process.env): CampaignsConfig {
  return loadConfig(campaignsConfigSchema, environment, ['INTERACTION_UNSUBSCRIBE_SECRET']);
}
