import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { TEAM_PATTERN } from '@rapport/contracts';
import { ProblemTypes, PROBLEM_BASE_URI } from '@rapport/platform-http';
import { applyValidatorsToSwagger } from './openapi-validators';

export function buildOpenApiDocument(app: INestApplication, issuer: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Rapport API')
    .setDescription(
      'The one public API of Rapport. Every error is RFC 9457 problem+json with a stable `type`: ' +
        Object.values(ProblemTypes)
          .map((p) => `\`${PROBLEM_BASE_URI}${p.slug}\` (${p.status})`)
          .join(', ') +
        '. No text in a request (a string, an object key, a query value) may contain U+0000: 400 naming the field.',
    )
    .setVersion('v1')
    .addSecurity('oidc', {
      type: 'openIdConnect',
      openIdConnectUrl: `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
      description: 'Bearer JWT from the OpenID provider: client credentials for department systems, or a user token',
    })
    .build();
  applyValidatorsToSwagger();
  return withRequestRules(withPathParameterSchemas(toOpenApi31Nullability(SwaggerModule.createDocument(app, config))));
}

/**
 * What the gateway's controllers enforce on path parameters: every `id`-like one goes through
 * ParseUUIDPipe; the others are checked against these patterns (TEAM_PATTERN in the contracts, the
 * coupon and currency checks in the loyalty and purchases controllers, the entry id check in the audit
 * controller). A path parameter of the document that is not listed here fails the build of the
 * document, so a new one is described too.
 */
export const PATH_PARAMETER_SCHEMAS: Record<string, Record<string, unknown>> = {
  id: { type: 'string', format: 'uuid' },
  customerId: { type: 'string', format: 'uuid' },
  purchaseId: { type: 'string', format: 'uuid' },
  redemptionId: { type: 'string', format: 'uuid' },
  rebuildId: { type: 'string', format: 'uuid' },
  auditId: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'An audit entry id' },
  team: { type: 'string', pattern: TEAM_PATTERN.source, example: 'north' },
  currency: { type: 'string', pattern: '^[A-Z]{3}$', example: 'USD', description: 'ISO 4217 code' },
  code: { type: 'string', pattern: '^RP-[0-9A-F]{12}$', example: 'RP-3F9A0C1B2D4E', description: 'A coupon code' },
  name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$', example: 'vip', description: 'A queue name' },
};

export function withPathParameterSchemas(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item as Record<string, { parameters?: Array<Record<string, unknown>> }>)) {
      for (const parameter of operation?.parameters ?? []) {
        if (parameter['in'] !== 'path') continue;
        const schema = PATH_PARAMETER_SCHEMAS[parameter['name'] as string];
        if (!schema)
          throw new Error(
            `OpenAPI: path parameter ${String(parameter['name'])} of ${path} has no schema in PATH_PARAMETER_SCHEMAS`,
          );
        parameter['schema'] = { ...schema };
      }
    }
  }
  return document;
}

/** Request headers the gateway checks (idempotency.ts and if-match.ts), by name. */
const HEADER_SCHEMAS: Record<string, Record<string, unknown>> = {
  'Idempotency-Key': { type: 'string', pattern: '^[!-~]{1,255}$' },
  'If-Match': { type: 'string', pattern: '^\\s*((W/)?"?[0-9]{1,9}"?)?\\s*$', example: '"3"' },
};

/**
 * Rules across fields that the services check and JSON Schema can state, by request schema.
 * (What it cannot state, such as "validUntil after validFrom", is answered 400 naming the field.)
 */
const CROSS_FIELD_RULES: Record<string, Record<string, unknown>> = {
  // loyalty: "Send either points or rewardId, not both and not neither".
  RedemptionRequest: {
    oneOf: [
      { required: ['points'], not: { required: ['rewardId'] } },
      { required: ['rewardId'], not: { required: ['points'] } },
    ],
  },
  // interaction: "Send either until or businessMinutes, not both and not neither".
  SnoozeFollowUpRequest: {
    oneOf: [
      { required: ['until'], not: { required: ['businessMinutes'] } },
      { required: ['businessMinutes'], not: { required: ['until'] } },
    ],
  },
  // customer-profile: an enum field lists its allowed values; other types have none.
  CustomFieldDefinitionRequest: {
    if: { properties: { type: { const: 'enum' } }, required: ['type'] },
    then: { required: ['allowedValues'], properties: { allowedValues: { type: 'array', minItems: 1 } } },
    else: { properties: { allowedValues: { anyOf: [{ type: 'null' }, { type: 'array', maxItems: 0 }] } } },
  },
  // customer-profile: a dynamic segment (the default kind) needs a definition; a static list has none.
  CreateSegmentRequest: {
    if: { properties: { kind: { const: 'static' } }, required: ['kind'] },
    then: { not: { required: ['definition'] } },
    else: { required: ['definition'], properties: { definition: { type: 'object' } } },
  },
};

/**
 * POST /imports: a body without a row is 400 (customer-profile's imports controller). A CSV needs a
 * header line and a non-blank line after it; JSON lines a non-blank line (and a body none of whose
 * lines is a JSON object is 400 too, which a pattern cannot say: the description does).
 */
const IMPORT_BODY_SCHEMAS: Record<string, Record<string, unknown>> = {
  'text/csv': { pattern: '\\S[^\\n]*\\n\\s*\\S' },
  'application/x-ndjson': { pattern: '\\S', example: '{"name":"王小明","email":"xiaoming@example.com"}\n' },
};

function refOf(schema: unknown): string | undefined {
  const ref = (schema as { $ref?: unknown } | undefined)?.$ref;
  return typeof ref === 'string' ? ref.replace('#/components/schemas/', '') : undefined;
}

/** The component schemas a request schema reaches through $ref. */
function reachable(node: unknown, schemas: Record<string, unknown>, found: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => reachable(n, schemas, found));
  else if (node && typeof node === 'object') {
    const name = refOf(node);
    if (name && !found.has(name)) {
      found.add(name);
      reachable(schemas[name], schemas, found);
    }
    Object.values(node).forEach((n) => reachable(n, schemas, found));
  }
  return found;
}

/**
 * What the validation pipe enforces on every request body, stated in the document: unknown
 * properties are refused (forbidNonWhitelisted), so request schemas have `additionalProperties:
 * false`; a body whose schema requires nothing may be left out (it is read as `{}`); the checked
 * request headers carry their patterns; cross-field rules are added where JSON Schema can say them.
 */
export function withRequestRules(document: OpenAPIObject): OpenAPIObject {
  const imports = (
    document.paths['/api/v1/imports'] as
      { post?: { requestBody?: { content?: Record<string, { schema?: object }> } } } | undefined
  )?.post;
  for (const [mediaType, schema] of Object.entries(IMPORT_BODY_SCHEMAS)) {
    const content = imports?.requestBody?.content?.[mediaType];
    if (content) content.schema = { ...content.schema, ...schema };
  }
  const schemas = (document.components?.schemas ?? {}) as Record<string, Record<string, unknown>>;
  const requestSchemas = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, Record<string, unknown>>)) {
      for (const parameter of (operation?.['parameters'] ?? []) as Array<Record<string, unknown>>) {
        const schema = parameter['in'] === 'header' ? HEADER_SCHEMAS[parameter['name'] as string] : undefined;
        if (schema) parameter['schema'] = { ...schema, ...(parameter['schema'] as object), ...schema };
      }
      const body = operation?.['requestBody'] as
        { required?: boolean; content?: Record<string, { schema?: unknown }> } | undefined;
      const json = body?.content?.['application/json']?.schema;
      if (!body || !json) continue;
      reachable(json, schemas, requestSchemas);
      const name = refOf(json);
      const top = name ? schemas[name] : (json as Record<string, unknown>);
      const crossRequired = name !== undefined && CROSS_FIELD_RULES[name]?.['oneOf'] !== undefined;
      if (!(top?.['required'] as unknown[] | undefined)?.length && !crossRequired) body.required = false;
    }
  }
  for (const name of requestSchemas) {
    const schema = schemas[name]!;
    if (schema['type'] === 'object' && schema['additionalProperties'] === undefined)
      schema['additionalProperties'] = false;
    Object.assign(schema, CROSS_FIELD_RULES[name] ?? {});
  }
  return document;
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
    // A reference (allOf: [$ref], whatever type sits beside it) is null or the referenced schema.
    if (converted['$ref'] || converted['allOf']) return { anyOf: [converted, { type: 'null' }] } as T;
    else if (typeof converted['type'] === 'string') converted['type'] = [converted['type'], 'null'];
    else if (!converted['type']) converted['type'] = ['object', 'null'];
  }
  return converted as T;
}

/** OpenAPI 3.1 document at /api/openapi.json and browsable docs at /api/docs. */
export function setUpOpenApi(app: INestApplication, issuer: string): OpenAPIObject {
  const document = buildOpenApiDocument(app, issuer);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
  return document;
}
