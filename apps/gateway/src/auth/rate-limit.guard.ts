import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ProblemException } from '@rapport/platform-http';
import type { Request, Response } from 'express';
import { GATEWAY_CONFIG, type GatewayConfig } from '../upstream/gateway-config';
import { TokenBuckets } from './token-bucket';

/**
 * Per-client rate limit (token bucket, keyed by client id and subject), with the IETF RateLimit headers
 * on every answer and 429 + Retry-After when the bucket is empty. Buckets live in each gateway
 * replica: with N replicas a client gets up to N times the rate (documented in operations.md).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly buckets: TokenBuckets;
  /** Buckets with a limit of their own (RATE_LIMIT_OVERRIDES), by `<clientId>` or `<clientId>/<sub>`. */
  private readonly overrides: Map<string, TokenBuckets>;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.buckets = new TokenBuckets(config.RATE_LIMIT_PER_SECOND, config.RATE_LIMIT_BURST);
    this.overrides = new Map(
      Object.entries(config.RATE_LIMIT_OVERRIDES).map(([key, { perSecond, burst }]) => [
        key,
        new TokenBuckets(perSecond, burst),
      ]),
    );
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const identity = request.identity;
    if (!identity) return true; // public routes
    // One bucket per client and subject: a department system (client credentials, sub = client) has
    // its own, and so has each user of an interactive client.
    const key = `${identity.clientId ?? '-'}/${identity.sub}`;
    const buckets = this.overrides.get(key) ?? this.overrides.get(identity.clientId ?? '-') ?? this.buckets;
    const result = buckets.take(key);
    const response = context.switchToHttp().getResponse<Response>();
    response.setHeader('RateLimit-Limit', String(buckets.burst));
    response.setHeader('RateLimit-Remaining', String(result.remaining));
    response.setHeader('RateLimit-Reset', String(result.resetSeconds));
    if (!result.allowed) {
      throw new ProblemException(
        'rateLimited',
        `Rate limit exceeded; retry in ${result.retryAfterSeconds} s`,
        {},
        {
          'Retry-After': String(result.retryAfterSeconds),
        },
      );
    }
    return true;
  }
}
