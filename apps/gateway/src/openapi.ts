import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ProblemTypes, PROBLEM_BASE_URI } from '@rapport/platform-http';

export function buildOpenApiDocument(app: INestApplication, issuer: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Rapport API')
    .setDescription(
      'The one public API of Rapport. Every error is RFC 9457 problem+json with a stable `type`: ' +
        Object.values(ProblemTypes)
          .map((p) => `\`${PROBLEM_BASE_URI}${p.slug}\` (${p.status})`)
          .join(', '),
    )
    .setVersion('v1')
    .addSecurity('oidc', {
      type: 'openIdConnect',
      openIdConnectUrl: `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
      description: 'Bearer JWT from the OpenID provider: client credentials for department systems, or a user token',
    })
    .build();
  return toOpenApi31Nullability(SwaggerModule.createDocument(app, config));
}

/**
 * @nestjs/swagger writes OpenAPI 3.0's `nullable: true`; in 3.1 (JSON Schema) a nullable string is
 * `type: ['string', 'null']`.
 */
export function toOpenApi31Nullability<T>(node: T): T {
  if (Array.isArray(node)) return node.map(toOpenApi31Nullability) as T;
  if (node === null || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const converted = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, toOpenApi31Nullability(v)]));
  if (nullable === true) {
    if (typeof converted['type'] === 'string') converted['type'] = [converted['type'], 'null'];
    else if (converted['$ref'] || converted['allOf']) return { anyOf: [converted, { type: 'null' }] } as T;
    else if (!converted['type']) converted['type'] = ['object', 'null'];
  }
  return converted as T;
}

/** OpenAPI 3.1 document at /api/openapi.json and browsable docs at /api/docs. */
export function setUpOpenApi(app: INestApplication, issuer: string): void {
  const document = buildOpenApiDocument(app, issuer);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
}
