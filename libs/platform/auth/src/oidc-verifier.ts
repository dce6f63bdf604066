import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { effectiveScopes } from './permissions';
import { VerifiedTokenCache } from './verified-token-cache';

export interface OidcVerifierOptions {
  issuer: string;
  audience: string;
  /** Asymmetric algorithms only: `none` and HMAC (e.g. HS256 signed with the public key) are refused. */
  algorithms?: string[];
  /** Defaults to the `jwks_uri` of the issuer's discovery document. */
  jwksUri?: string;
  clockToleranceSeconds?: number;
}

export interface VerifiedCaller {
  sub: string;
  roles: string[];
  scopes: string[];
  team?: string;
  clientId?: string;
}

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

const DEFAULT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * Verifies OpenID Connect bearer tokens against the issuer's JWKS (keys are fetched on demand and
 * refreshed when an unknown `kid` appears, so key rotation needs no restart). Any IdP works:
 * Keycloak (`realm_access.roles`), Azure AD (`roles`, `scp`), Okta (`groups`, `scp`), or the embedded one.
 */
export class OidcVerifier {
  private jwks?: Promise<JWTVerifyGetKey>;
  /** A token verified once is not verified again until it expires (RS256 through WebCrypto on every request was the gateway's largest cost). */
  private readonly verified = new VerifiedTokenCache<VerifiedCaller>();

  constructor(private readonly options: OidcVerifierOptions) {}

  async verify(token: string): Promise<VerifiedCaller> {
    const known = this.verified.get(token);
    if (known) return copyOf(known);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keys(), {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: this.options.algorithms ?? DEFAULT_ALGORITHMS,
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError) {
        throw new InvalidTokenError(describe(error));
      }
      throw error;
    }
    const caller = toCaller(payload);
    this.verified.set(token, caller, payload.exp);
    return copyOf(caller);
  }

  private keys(): Promise<JWTVerifyGetKey> {
    if (!this.jwks) {
      this.jwks = (async () => {
        const uri = this.options.jwksUri ?? (await discoverJwksUri(this.options.issuer));
        return createRemoteJWKSet(new URL(uri), { cooldownDuration: 5_000, timeoutDuration: 3_000 });
      })();
      this.jwks.catch(() => {
        this.jwks = undefined; // discovery failed: try again on the next request
      });
    }
    return this.jwks;
  }
}

async function discoverJwksUri(issuer: string): Promise<string> {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(3_000),
  });
  if (!response.ok) throw new Error(`OIDC discovery at ${issuer} answered ${response.status}`);
  const document = (await response.json()) as { jwks_uri?: string; issuer?: string };
  if (!document.jwks_uri) throw new Error(`OIDC discovery at ${issuer} has no jwks_uri`);
  return document.jwks_uri;
}

/** Each request gets its own copy: nothing a request does to its caller reaches the next one. */
function copyOf(caller: VerifiedCaller): VerifiedCaller {
  return { ...caller, roles: [...caller.roles], scopes: [...caller.scopes] };
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function toCaller(payload: JWTPayload): VerifiedCaller {
  const realmAccess = payload['realm_access'] as { roles?: unknown } | undefined;
  const roles = [
    ...new Set([...strings(payload['roles']), ...strings(realmAccess?.roles), ...strings(payload['groups'])]),
  ];
  const tokenScopes = [...strings(payload['scope']), ...strings(payload['scp'])];
  const clientId =
    typeof payload['client_id'] === 'string'
      ? payload['client_id']
      : typeof payload['azp'] === 'string'
        ? payload['azp']
        : undefined;
  return {
    sub: payload.sub!,
    roles,
    scopes: effectiveScopes(roles, tokenScopes),
    ...(typeof payload['team'] === 'string' ? { team: payload['team'] } : {}),
    ...(clientId ? { clientId } : {}),
  };
}

function describe(error: Error): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is not valid`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm that is not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is not valid';
  if (error instanceof errors.JWKSNoMatchingKey) return 'the token was signed with an unknown key';
  return 'the token is malformed';
}
