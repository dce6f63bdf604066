import { phoneDefaultRegionVariable } from '@rapport/contracts';
import { env, loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

const gatewayConfigSchema = z.object({
  SERVICE_URL_CUSTOMER_PROFILE: env.url(['http', 'https']),
  SERVICE_URL_INTERACTION: env.url(['http', 'https']),
  SERVICE_URL_SERVICE_DESK: env.url(['http', 'https']),
  SERVICE_URL_LOYALTY: env.url(['http', 'https']),
  SERVICE_URL_ANALYTICS: env.url(['http', 'https']),
  UPSTREAM_TIMEOUT_MS: env.int(5_000, 100),
  /** Per-source timeout of the customer 360 composition. */
  COMPOSITION_TIMEOUT_MS: env.int(1_500, 50),
  /** The company's IdP (Keycloak realm URL, Azure AD v2 issuer, Okta…) or the embedded one. */
  OIDC_ISSUER: env.url(['http', 'https']),
  OIDC_AUDIENCE: z.string().min(1).default('rapport-api'),
  OIDC_ALGORITHMS: z
    .string()
    .default('RS256,PS256,ES256,EdDSA')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine(
      (algs) => algs.length > 0 && algs.every((a) => /^(RS|PS|ES)(256|384|512)$|^EdDSA$/.test(a)),
      'expected asymmetric JWS algorithms',
    ),
  /** Serve the embedded OpenID provider at /oidc (the local default; never in production). */
  OIDC_EMBEDDED: env.bool(false),
  OIDC_EMBEDDED_KEYS_FILE: z.string().default('/tmp/rapport-idp-keys.json'),
  /**
   * The platform's key that signs erasure receipts: a private JWK (EC P-256 for ES256, or OKP Ed25519
   * for EdDSA) as JSON, from a Secret in production. Every gateway replica must get the same key.
   */
  ERASURE_RECEIPT_KEY: z.string().min(1).optional(),
  /**
   * Without ERASURE_RECEIPT_KEY: a JSON file holding the private JWK, created (mode 0600, ES256) on
   * first start when absent — the local stack keeps it in .local/<profile>/erasure-receipt-key.json.
   */
  ERASURE_RECEIPT_KEY_FILE: z.string().min(1).default('/tmp/rapport-erasure-receipt-key.json'),
  RATE_LIMIT_PER_SECOND: env.int(20, 1),
  RATE_LIMIT_BURST: env.int(60, 1),
  /**
   * Other limits for named buckets, `<clientId>[/<sub>]=<perSecond>:<burst>` separated by commas, e.g.
   * `rapport-cli/fuzzer=500:1000` for the local stack's fuzzing user (npm run fuzz). Empty by default.
   */
  RATE_LIMIT_OVERRIDES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine(
      (entries) => entries.every((e) => /^[^=\s]+=[1-9]\d*:[1-9]\d*$/.test(e)),
      'expected <clientId>[/<sub>]=<perSecond>:<burst>, comma-separated',
    )
    .transform((entries) =>
      Object.fromEntries(
        entries.map((e) => {
          const [key, limits] = e.split('=') as [string, string];
          const [perSecond, burst] = limits.split(':').map(Number) as [number, number];
          return [key, { perSecond, burst }];
        }),
      ),
    ),
  /** The region of phone numbers written without a country code; customer-profile reads the same variable. */
  PHONE_DEFAULT_REGION: phoneDefaultRegionVariable,
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export function loadGatewayConfig(environment: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, environment);
}
