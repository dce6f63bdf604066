import { writeClientFiles } from './openapi-files';

/**
 * Refreshes libs/api-client from a running gateway (`npm start` in another terminal):
 * `npm run openapi:update`. The e2e tests fail when the checked-in copy drifts from the code.
 */
async function main(): Promise<void> {
  const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000';
  const response = await fetch(`${gateway}/api/openapi.json`);
  if (!response.ok) throw new Error(`${gateway}/api/openapi.json answered ${response.status}: is the stack running?`);
  await writeClientFiles((await response.json()) as Record<string, unknown>);
  console.log('libs/api-client/openapi.json and src/schema.ts updated');
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
