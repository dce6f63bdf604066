import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../paths';

/** The checked-in OpenAPI document and the TypeScript types generated from it. */
export const OPENAPI_FILE = path.join(repoRoot(), 'libs', 'api-client', 'openapi.json');
export const SCHEMA_FILE = path.join(repoRoot(), 'libs', 'api-client', 'src', 'schema.ts');

/** The issuer in the document depends on where the gateway runs; the checked-in copy uses the default. */
export function normaliseDocument(document: Record<string, unknown>): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(document)) as {
    components?: { securitySchemes?: { oidc?: { openIdConnectUrl?: string } } };
  };
  const oidc = copy.components?.securitySchemes?.oidc;
  if (oidc) oidc.openIdConnectUrl = 'http://127.0.0.1:3000/oidc/.well-known/openid-configuration';
  return copy as Record<string, unknown>;
}

export function documentText(document: Record<string, unknown>): string {
  return `${JSON.stringify(normaliseDocument(document), null, 2)}\n`;
}

export async function schemaText(documentJson: string): Promise<string> {
  // Defaults do not make a request field required (`kind` defaults to 'person' but may be left out).
  // Loaded on demand: only the drift check and `npm run openapi:update` need the generator.
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const ast = await openapiTS(documentJson, { defaultNonNullable: false });
  return `// Generated from libs/api-client/openapi.json by \`npm run openapi:update\`. Do not edit.\n${astToString(ast)}`;
}

export async function writeClientFiles(document: Record<string, unknown>): Promise<void> {
  const text = documentText(document);
  fs.writeFileSync(OPENAPI_FILE, text);
  fs.writeFileSync(SCHEMA_FILE, await schemaText(text));
}
