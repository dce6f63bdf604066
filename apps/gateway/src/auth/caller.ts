import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { CallerIdentity } from '@rapport/platform-runtime';
import type { Request } from 'express';

/**
 * The caller of a public route, as authenticated by the gateway. Until OpenID Connect lands
 * (issue 3), callers are anonymous and get no roles or scopes.
 */
export const PublicCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): CallerIdentity => {
  const request = ctx.switchToHttp().getRequest<Request>();
  return request.identity ?? { sub: 'anonymous', roles: [], scopes: [] };
});
