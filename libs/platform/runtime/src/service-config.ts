import { schemaOf, type ServiceName } from '@rapport/contracts';
import { env, loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

export const SECRET_VARIABLES = ['DATABASE_URL', 'KAFKA_SASL_PASSWORD', 'INTERNAL_AUTH_SECRET'] as const;

function serviceConfigSchema(service: ServiceName) {
  return z
    .object({
      PORT: env.port(3000),
      HOST: z.string().min(1).default('0.0.0.0'),
      LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
      DATABASE_URL: env.url(['postgres', 'postgresql']),
      DATABASE_SSL: env.bool(false),
      DB_SCHEMA: z
        .string()
        .regex(/^[a-z_][a-z0-9_]*$/, 'expected a lower-case SQL identifier')
        .default(schemaOf(service)),
      DB_POOL_MAX: env.int(10, 1),
      DB_MIGRATE_ON_START: env.bool(true),
      KAFKA_BROKERS: env.list(HOST_PORT, 'a comma-separated list of host:port'),
      KAFKA_CLIENT_ID: z.string().min(1).default(`rapport-${service}`),
      KAFKA_SSL: env.bool(false),
      KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
      KAFKA_SASL_USERNAME: z.string().min(1).optional(),
      KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
      // the broker refuses sessions shorter than its group.min.session.timeout.ms (6 s by default)
      KAFKA_SESSION_TIMEOUT_MS: env.int(30_000, 6_000),
      INTERNAL_AUTH_SECRET: z.string({ error: 'is required' }).min(32, 'expected at least 32 characters'),
      OUTBOX_POLL_INTERVAL_MS: env.int(1_000, 50),
      OUTBOX_BATCH_SIZE: env.int(200, 1),
      CONSUMER_MAX_ATTEMPTS: env.int(5, 1),
      CONSUMER_RETRY_BASE_MS: env.int(200, 1),
      CONSUMER_RETRY_MAX_MS: env.int(30_000, 1),
      CONSUMER_PARTITION_CONCURRENCY: env.int(3, 1),
      CONSUMER_BATCH_SIZE: env.int(100, 1),
      HTTP_BODY_LIMIT: z
        .string()
        .regex(/^\d+(b|kb|mb)$/, "expected a size such as '1mb'")
        .default('1mb'),
    })
    .superRefine((config, ctx) => {
      if (config.KAFKA_SASL_MECHANISM) {
        for (const key of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
          if (!config[key])
            ctx.addIssue({ code: 'custom', path: [key], message: 'is required when KAFKA_SASL_MECHANISM is set' });
        }
      }
    });
}

export type ServiceConfig = z.infer<ReturnType<typeof serviceConfigSchema>>;

export function loadServiceConfig(service: ServiceName, environment: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return loadConfig(serviceConfigSchema(service), environment, SECRET_VARIABLES);
}
