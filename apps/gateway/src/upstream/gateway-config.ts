import { env, loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

const gatewayConfigSchema = z.object({
  SERVICE_URL_CUSTOMER_PROFILE: env.url(['http', 'https']),
  SERVICE_URL_INTERACTION: env.url(['http', 'https']),
  SERVICE_URL_SERVICE_DESK: env.url(['http', 'https']),
  SERVICE_URL_LOYALTY: env.url(['http', 'https']),
  SERVICE_URL_ANALYTICS: env.url(['http', 'https']),
  UPSTREAM_TIMEOUT_MS: env.int(5_000, 100),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export function loadGatewayConfig(environment: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, environment);
}
