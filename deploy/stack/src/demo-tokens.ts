/** Tokens from the embedded OpenID provider the gateway serves at /oidc (local stack only). */
export const DEMO_USER_GRANT = 'urn:rapport:params:oauth:grant-type:demo-user';
const CLI_CLIENT = { id: 'rapport-cli', secret: 'rapport-cli-secret' };

async function tokenRequest(
  gatewayUrl: string,
  clientId: string,
  clientSecret: string,
  form: Record<string, string>,
): Promise<string> {
  const response = await fetch(`${gatewayUrl}/oidc/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!response.ok || !body.access_token) {
    throw new Error(
      `token request failed: ${response.status} ${body.error ?? ''} ${body.error_description ?? ''}`.trim(),
    );
  }
  return body.access_token;
}

/** An access token for a demo user (admin, exec, manager, agent1, agent2, analyst). */
export function demoUserToken(gatewayUrl: string, username: string): Promise<string> {
  return tokenRequest(gatewayUrl, CLI_CLIENT.id, CLI_CLIENT.secret, { grant_type: DEMO_USER_GRANT, username });
}

/** An access token for a department client (OAuth 2.0 client credentials). */
export function clientCredentialsToken(
  gatewayUrl: string,
  clientId: string,
  clientSecret: string,
  scope?: string,
): Promise<string> {
  return tokenRequest(gatewayUrl, clientId, clientSecret, {
    grant_type: 'client_credentials',
    ...(scope ? { scope } : {}),
  });
}
