import { SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { ProblemException } from '@rapport/platform-http';
import type { Request } from 'express';
import { IDENTITY_HEADER, verifyIdentity } from './identity';

const PUBLIC_ROUTE = 'rapport:public-route';

/** Marks a route that needs no caller identity (health, metrics). */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);

export class InternalAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly secret: string,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const token = request.header(IDENTITY_HEADER);
    if (!token) throw new ProblemException('unauthorized', 'This service is reached through the gateway only');
    try {
      request.identity = await verifyIdentity(token, this.secret);
    } catch {
      throw new ProblemException('unauthorized', 'The caller identity is not valid');
    }
    return true;
  }
}
