import { SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { ProblemException } from '@rapport/platform-http';
import type { Request } from 'express';
import { IDENTITY_HEADER, IdentityVerifier } from './identity';

const PUBLIC_ROUTE = 'rapport:public-route';
const CALLER_SCOPES = 'rapport:caller-scopes';

/**
 * The scopes a caller needs for a service route. Services check them again after the gateway
 * (defence in depth); a route without this decorator only needs a valid caller identity.
 */
export const CallerScopes = (...scopes: string[]) => SetMetadata(CALLER_SCOPES, scopes);

/** Marks a route that needs no caller identity (health, metrics). */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);

export function isPublicRoute(reflector: Reflector, context: ExecutionContext): boolean {
  return reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]) === true;
}

export class InternalAuthGuard implements CanActivate {
  private readonly verifier: IdentityVerifier;

  constructor(
    private readonly reflector: Reflector,
    secret: string,
  ) {
    this.verifier = new IdentityVerifier(secret);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (isPublicRoute(this.reflector, context)) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const token = request.header(IDENTITY_HEADER);
    if (!token) throw new ProblemException('unauthorized', 'This service is reached through the gateway only');
    try {
      request.identity = await this.verifier.verify(token);
    } catch {
      throw new ProblemException('unauthorized', 'The caller identity is not valid');
    }
    const required =
      this.reflector.getAllAndOverride<string[] | undefined>(CALLER_SCOPES, [
        context.getHandler(),
        context.getClass(),
      ]) ?? [];
    const missing = required.filter((scope) => !request.identity!.scopes.includes(scope));
    if (missing.length > 0) throw new ProblemException('forbidden', `Missing scope: ${missing.join(' ')}`);
    return true;
  }
}
