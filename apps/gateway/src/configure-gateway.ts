import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configurePhoneRule } from '@rapport/contracts';
import type { Logger } from '@rapport/platform-observability';
import helmet from 'helmet';
import { createEmbeddedIdp } from './embedded-idp/embedded-idp';
import { methodNotAllowed } from './method-not-allowed';
import { rejectNul } from './no-nul';
import { setUpOpenApi } from './openapi';
import { GATEWAY_CONFIG, type GatewayConfig } from './upstream/gateway-config';

/** HTTP concerns of the public edge: security headers, CORS, the embedded IdP, OpenAPI. */
export async function configureGateway(nestApp: INestApplication, _: unknown, logger: Logger): Promise<void> {
  const app = nestApp as NestExpressApplication;
  const config = app.get<GatewayConfig>(GATEWAY_CONFIG);
  // Request validation (@IsPhone in @rapport/contracts) reads national numbers in this region.
  configurePhoneRule(config.PHONE_DEFAULT_REGION);
  app.disable('x-powered-by');
  // The docs page needs inline scripts and styles of swagger-ui; everything else is locked down.
  app.use(helmet({ contentSecurityPolicy: false, crossOriginEmbedderPolicy: false }));
  app.enableCors({
    origin: config.CORS_ORIGINS.length > 0 ? config.CORS_ORIGINS : false,
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after'],
  });
  if (config.OIDC_EMBEDDED) {
    const idp = await createEmbeddedIdp({
      issuer: config.OIDC_ISSUER,
      audience: config.OIDC_AUDIENCE,
      keysFile: config.OIDC_EMBEDDED_KEYS_FILE,
    });
    app.use('/oidc', idp.handler);
    logger.warn(
      { issuer: config.OIDC_ISSUER },
      'embedded OpenID provider enabled (demo users): never use it in production',
    );
  }
  const document = setUpOpenApi(app, config.OIDC_ISSUER);
  // Registered before the routes (Nest adds them at listen): a known path with another method is 405.
  app.use(methodNotAllowed(document));
  app.use(rejectNul);
}
