import { readFileSync } from 'node:fs';
import { createRapportClient } from '@rapport/api-client';
import { documentText, OPENAPI_FILE, SCHEMA_FILE, schemaText } from '@rapport/stack';
import { eventually, stackInfo, userToken } from '@rapport/testing';
import { createConfig, lintFromString } from '@redocly/openapi-core';

/**
 * The OpenAPI document is the contract departments code against: it must be valid, complete and
 * identical to the checked-in copy the typed client (libs/api-client) is generated from.
 */
describe('OpenAPI document and typed client', () => {
  let live: Record<string, unknown>;

  beforeAll(async () => {
    live = (await (await fetch(`${stackInfo().gatewayUrl}/api/openapi.json`)).json()) as Record<string, unknown>;
  });

  it('is the checked-in document, so the client cannot drift from the code (npm run openapi:update refreshes it)', async () => {
    expect(documentText(live)).toBe(readFileSync(OPENAPI_FILE, 'utf8'));
    expect(await schemaText(readFileSync(OPENAPI_FILE, 'utf8'))).toBe(readFileSync(SCHEMA_FILE, 'utf8'));
  });

  it('validates as OpenAPI 3.1', async () => {
    const problems = await lintFromString({
      source: JSON.stringify(live),
      absoluteRef: 'openapi.json',
      config: await createConfig({ extends: ['minimal'] }),
    });
    expect(problems.filter((p) => p.severity === 'error').map((p) => p.message)).toEqual([]);
    expect(live['openapi']).toBe('3.1.0');
  });

  it('documents the security and the problem answers of every route', () => {
    const paths = live['paths'] as Record<
      string,
      Record<string, { security?: unknown[]; responses: Record<string, { content?: Record<string, unknown> }> }>
    >;
    for (const [route, operations] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect({ route, method, secured: (operation.security ?? []).length > 0 }).toEqual({
          route,
          method,
          secured: true,
        });
        expect(operation.responses['401']?.content?.['application/problem+json']).toBeDefined();
      }
    }
  });

  it('drives the API through the generated client', async () => {
    const agent = createRapportClient(stackInfo().gatewayUrl, () => userToken('agent1'));
    const created = await agent.POST('/api/v1/customers', {
      body: { name: 'Typed Client', email: 'typed@example.com' },
    });
    expect(created.response.status).toBe(201);
    const id = created.data!.id;
    const read = await agent.GET('/api/v1/customers/{id}', { params: { path: { id } } });
    expect(read.data).toMatchObject({ id, name: 'Typed Client', ownerId: 'agent1', team: 'north' });
    const view = await agent.GET('/api/v1/customers/{id}/360', { params: { path: { id } } });
    expect(view.data?.profile).toMatchObject({ id });
    const analyst = createRapportClient(stackInfo().gatewayUrl, () => userToken('analyst'));
    await eventually(
      async () => ((await analyst.GET('/api/v1/analytics/customers/count')).data?.count ?? 0) > 0,
      20_000,
      'a count',
    );
    const refused = await analyst.POST('/api/v1/customers', { body: { name: 'Analysts do not write' } });
    expect(refused.response.status).toBe(403);
  });
});
