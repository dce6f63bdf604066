import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InvalidTokenError, type OidcVerifier, type Scope } from '@rapport/platform-auth';
import { ProblemException } from '@rapport/platform-http';
import { isPublicRoute } from '@rapport/platform-runtime';
import type { Request } from 'express';
import { REQUIRED_SCOPES } from './require-scopes.decorator';

export const OIDC_VERIFIER = Symbol('OIDC_VERIFIER');

const REALM = 'Bearer realm="rapport"';

/**
 * Authenticates every public route with an OpenID Connect bearer token and checks its scopes.
 * Missing, malformed, expired, wrongly signed, `alg: none`, HMAC, wrong issuer or audience: all 401
 * with `WWW-Authenticate`; missing scopes: 403.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(OIDC_VERIFIER) private readonly verifier: OidcVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || isPublicRoute(this.reflector, context)) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.header('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(header);
    if (!match) {
      throw new ProblemException('unauthorized', 'A bearer token is required', {}, { 'WWW-Authenticate': REALM });
    }
    try {
      request.identity = await this.verifier.verify(match[1]!);
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      throw new ProblemException(
        'unauthorized',
        `The bearer token is not valid: ${error.message}`,
        {},
        {
          'WWW-Authenticate': `${REALM}, error="invalid_token", error_description="${error.message}"`,
        },
      );
    }
    const required = this.reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required) throw new ProblemException('forbidden', 'This route has no authorization policy');
    const missing = required.filter((scope) => !request.identity!.scopes.includes(scope));
    if (missing.length > 0) {
      throw new ProblemException(
        'forbidden',
        `Missing scope: ${missing.join(' ')}`,
        { missingScopes: missing },
        {
          'WWW-Authenticate': `${REALM}, error="insufficient_scope", scope="${required.join(' ')}"`,
        },
      );
    }
    return true;
  }
}
