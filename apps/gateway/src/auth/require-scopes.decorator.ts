import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import type { Scope } from '@rapport/platform-auth';

export const REQUIRED_SCOPES = 'rapport:required-scopes';

/**
 * The authorization policy of a public route: the caller's token must grant every listed scope.
 * A route without it is refused (fail closed). Also documents the security requirement in OpenAPI.
 */
export function RequireScopes(...scopes: Scope[]): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(REQUIRED_SCOPES, scopes), ApiSecurity('oidc', scopes));
}
