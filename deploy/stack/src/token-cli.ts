import { parseArgs } from 'node:util';

// Gets an access token from the gateway's embedded OpenID provider (`<gateway>/oidc/token`) and prints only
// the token, so it composes: curl -H "Authorization: Bearer $(node dist/deploy/stack/src/token-cli.js agent1)" …

const USAGE = `usage: node dist/deploy/stack/src/token-cli.js <demo-user>
       node dist/deploy/stack/src/token-cli.js --client <id> --secret <secret> [--scope "a b"]
  <demo-user>   one of: admin, exec, manager, agent1, agent2, analyst
  --client …    a department client's token (OAuth 2.0 client_credentials), e.g. --client demo-marketing --secret demo-marketing-secret
  env GATEWAY_URL (default http://127.0.0.1:3000)`;

// Same value as DEMO_USER_GRANT in apps/gateway/src/embedded-idp; tooling may not import apps.
const DEMO_USER_GRANT = 'urn:rapport:params:oauth:grant-type:demo-user';
// The embedded IdP's demo client for this tool; a demo credential, not a secret.
const CLI_CLIENT = { id: 'rapport-cli', secret: 'rapport-cli-secret' };
const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:3000';

class UsageError extends Error {}

interface TokenRequest {
  clientId: string;
  clientSecret: string;
  params: Record<string, string>;
}

function parseRequest(argv: string[]): TokenRequest | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      client: { type: 'string' },
      secret: { type: 'string' },
      scope: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (values.client !== undefined || values.secret !== undefined) {
    if (!values.client || !values.secret || positionals.length > 0)
      throw new UsageError('--client and --secret go together, without a demo user');
    return {
      clientId: values.client,
      clientSecret: values.secret,
      params: { grant_type: 'client_credentials', ...(values.scope ? { scope: values.scope } : {}) },
    };
  }
  if (positionals.length !== 1) throw new UsageError();
  return {
    clientId: CLI_CLIENT.id,
    clientSecret: CLI_CLIENT.secret,
    params: { grant_type: DEMO_USER_GRANT, username: positionals[0], ...(values.scope ? { scope: values.scope } : {}) },
  };
}

/** RFC 6749 §2.3.1: form-encode the id and secret before joining them for HTTP Basic. */
function basicAuth(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

async function requestToken(gatewayUrl: string, request: TokenRequest): Promise<string> {
  const endpoint = new URL('oidc/token', gatewayUrl.endsWith('/') ? gatewayUrl : `${gatewayUrl}/`);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        authorization: basicAuth(request.clientId, request.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(request.params),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new Error(
      `cannot reach the gateway at ${endpoint.origin} (is the stack running? set GATEWAY_URL): ${(error as Error).message}`,
    );
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: reported below with the status
  }
  if (!response.ok || typeof body.access_token !== 'string') {
    if (typeof body.error === 'string') {
      const description = typeof body.error_description === 'string' ? `: ${body.error_description}` : '';
      throw new Error(`${endpoint.href} answered ${response.status} ${body.error}${description}`);
    }
    throw new Error(`${endpoint.href} answered ${response.status} ${text.slice(0, 200)}`);
  }
  return body.access_token;
}

async function main(): Promise<void> {
  let request: TokenRequest | 'help';
  try {
    request = parseRequest(process.argv.slice(2));
  } catch (error) {
    // parseArgs' own errors (unknown option, missing value) are usage errors too.
    const message = (error as Error).message;
    console.error(message ? `${message}\n${USAGE}` : USAGE);
    process.exit(1);
  }
  if (request === 'help') {
    console.log(USAGE);
    return;
  }
  const token = await requestToken(process.env.GATEWAY_URL || DEFAULT_GATEWAY_URL, request);
  process.stdout.write(`${token}\n`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
