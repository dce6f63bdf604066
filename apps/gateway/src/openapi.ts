import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ProblemTypes, PROBLEM_BASE_URI } from '@rapport/platform-http';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
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
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** OpenAPI 3.1 document at /api/openapi.json and browsable docs at /api/docs. */
export function setUpOpenApi(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
}
