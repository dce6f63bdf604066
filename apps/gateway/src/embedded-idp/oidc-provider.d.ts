// oidc-provider ships no type declarations (DefinitelyTyped's lag behind v9), so this declares only the part of
// its public API the embedded IdP uses. Kept next to its one user; widen it here when more is needed.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type JWK = Record<string, unknown> & { kty: string; kid?: string };

  export interface ResourceServerInfo {
    scope: string;
    audience?: string;
    accessTokenTTL?: number;
    accessTokenFormat?: 'opaque' | 'jwt';
    jwt?: { sign?: { alg: string; kid?: string } };
  }

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    grant_types?: string[];
    response_types?: string[];
    redirect_uris?: string[];
    token_endpoint_auth_method?: string;
    scope?: string;
    [key: string]: unknown;
  }

  export interface Client {
    clientId: string;
    scope?: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  /** What extraTokenClaims and the TTL functions receive. */
  export interface BaseToken {
    kind: string;
    jti: string;
    scope?: string;
    clientId?: string;
    accountId?: string;
    resourceServer?: ResourceServer;
    readonly expiration: number;
    readonly tokenType: string;
    save(): Promise<string>;
  }

  export interface ResourceServer {
    readonly audience?: string;
    readonly scope: string;
    identifier(): string;
  }

  export interface OIDCContext {
    readonly params: Record<string, string | string[] | undefined>;
    readonly client?: Client;
    readonly route: string;
    entity(name: string, value: unknown): void;
  }

  /** A Koa context with oidc-provider's per-request state. */
  export interface KoaContextWithOIDC {
    oidc: OIDCContext;
    body: unknown;
    status: number;
    path: string;
    method: string;
  }

  export interface JwtStructuredToken {
    header?: Record<string, unknown>;
    payload: Record<string, unknown>;
  }

  export interface Adapter {
    upsert(id: string, payload: Record<string, unknown>, expiresIn: number): Promise<void>;
    find(id: string): Promise<Record<string, unknown> | undefined>;
    findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined>;
    findByUid(uid: string): Promise<Record<string, unknown> | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  /** Only the options the embedded IdP sets; oidc-provider accepts many more. */
  export interface Configuration {
    adapter?: (name: string) => Adapter;
    clients?: ClientMetadata[];
    jwks?: { keys: JWK[] };
    cookies?: { keys?: string[] };
    scopes?: string[];
    responseTypes?: string[];
    clientAuthMethods?: string[];
    claims?: Record<string, string[] | null>;
    findAccount?: (ctx: KoaContextWithOIDC, sub: string) => Promise<Account | undefined>;
    extraTokenClaims?: (
      ctx: KoaContextWithOIDC,
      token: BaseToken,
    ) => Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined;
    clientBasedCORS?: (ctx: KoaContextWithOIDC, origin: string, client: Client) => boolean;
    renderError?: (ctx: KoaContextWithOIDC, out: Record<string, string>, error: Error) => void | Promise<void>;
    formats?: {
      customizers?: {
        jwt?: (ctx: KoaContextWithOIDC, token: BaseToken, jwt: JwtStructuredToken) => void | Promise<void>;
      };
    };
    ttl?: Record<string, number | ((ctx: KoaContextWithOIDC, token: BaseToken, client: Client) => number)>;
    features?: {
      devInteractions?: { enabled: boolean };
      clientCredentials?: { enabled: boolean };
      introspection?: { enabled: boolean };
      revocation?: { enabled: boolean };
      resourceIndicators?: {
        enabled: boolean;
        defaultResource?: (
          ctx: KoaContextWithOIDC,
          client: Client,
          oneOf?: string[],
        ) => Promise<string | string[] | undefined>;
        useGrantedResource?: (ctx: KoaContextWithOIDC, model: unknown) => Promise<boolean>;
        getResourceServerInfo?: (
          ctx: KoaContextWithOIDC,
          resourceIndicator: string,
          client: Client,
        ) => Promise<ResourceServerInfo>;
      };
    };
  }

  interface TokenConstructor<T extends BaseToken> {
    new (properties: {
      client: Client;
      scope?: string;
      accountId?: string;
      gty?: string;
      resourceServer?: ResourceServer;
    }): T;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    registerGrantType(
      name: string,
      handler: (ctx: KoaContextWithOIDC) => Promise<void>,
      params?: string | string[] | Set<string>,
      dupes?: string | string[] | Set<string>,
    ): void;
    on(event: 'server_error', listener: (ctx: KoaContextWithOIDC, error: Error) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
    readonly AccessToken: TokenConstructor<BaseToken>;
    readonly ClientCredentials: TokenConstructor<BaseToken>;
    readonly ResourceServer: new (identifier: string, info: ResourceServerInfo) => ResourceServer;
  }

  export class OIDCProviderError extends Error {
    error: string;
    error_description?: string;
    status: number;
    statusCode: number;
  }

  type DescribedError = new (description?: string, options?: { cause?: unknown }) => OIDCProviderError;

  export const errors: {
    OIDCProviderError: typeof OIDCProviderError;
    InvalidGrant: new (detail?: string) => OIDCProviderError;
    InvalidScope: new (description: string, scope: string) => OIDCProviderError;
    InvalidTarget: DescribedError;
    InvalidRequest: DescribedError;
    UnauthorizedClient: DescribedError;
  };
}
