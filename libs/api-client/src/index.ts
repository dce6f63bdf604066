import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema';

export type { components, paths } from './schema';

export type RapportClient = Client<paths>;

/**
 * A typed client of the public API, generated from the OpenAPI document the gateway serves
 * (libs/api-client/openapi.json, kept in step by `npm run openapi:update` and checked by the tests).
 */
export function createRapportClient(baseUrl: string, token?: string | (() => Promise<string>)): RapportClient {
  const client = createClient<paths>({ baseUrl });
  if (token !== undefined) {
    client.use({
      async onRequest({ request }) {
        request.headers.set('authorization', `Bearer ${typeof token === 'string' ? token : await token()}`);
        return request;
      },
    });
  }
  return client;
}
