import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { OidcVerifier } from '@rapport/platform-auth';
import { GATEWAY_CONFIG, type GatewayConfig } from '../upstream/gateway-config';
import { BearerAuthGuard, OIDC_VERIFIER } from './bearer-auth.guard';
import { RateLimitGuard } from './rate-limit.guard';

/** Authentication first, then the per-client rate limit (global guards run in this order). */
@Global()
@Module({
  providers: [
    {
      provide: OIDC_VERIFIER,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new OidcVerifier({
          issuer: config.OIDC_ISSUER,
          audience: config.OIDC_AUDIENCE,
          algorithms: config.OIDC_ALGORITHMS,
        }),
    },
    { provide: APP_GUARD, useClass: BearerAuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [OIDC_VERIFIER],
})
export class AuthModule {}
