import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { ProblemException } from '@rapport/platform-http';
import {
  IDENTITY_HEADER,
  IdentitySigner,
  SERVICE_CONFIG,
  type CallerIdentity,
  type ServiceConfig,
} from '@rapport/platform-runtime';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway-config';

export type Upstream = 'customer-profile' | 'interaction' | 'service-desk' | 'loyalty' | 'analytics';

export interface UpstreamResponse {
  status: number;
  contentType: string;
  body: unknown;
  /** Response headers a client needs to see: ETag (for If-Match), Location and Retry-After. */
  headers?: Record<string, string>;
}

/** An answer whose body is still arriving: read it as a stream (large documents), or not at all. */
export interface OpenedUpstreamResponse {
  status: number;
  contentType: string;
  body: Readable;
}

const RELAYED_HEADERS = ['etag', 'location', 'retry-after'];

/**
 * Calls a service's internal HTTP API with the caller's identity, signed by the gateway. Upstream
 * errors (problem+json) pass through unchanged; a service that cannot be reached is a 502 and one
 * that is too slow a 504, both problem+json.
 */
@Injectable()
export class UpstreamClient {
  private readonly baseUrls: Record<Upstream, string>;
  /** One signed identity per caller for 30 s, not one per request. */
  private readonly signer: IdentitySigner;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(SERVICE_CONFIG) serviceConfig: ServiceConfig,
  ) {
    this.signer = new IdentitySigner(serviceConfig.INTERNAL_AUTH_SECRET);
    this.baseUrls = {
      'customer-profile': config.SERVICE_URL_CUSTOMER_PROFILE,
      interaction: config.SERVICE_URL_INTERACTION,
      'service-desk': config.SERVICE_URL_SERVICE_DESK,
      loyalty: config.SERVICE_URL_LOYALTY,
      analytics: config.SERVICE_URL_ANALYTICS,
    };
  }

  async call(
    upstream: Upstream,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options: { identity: CallerIdentity; requestId?: string; body?: unknown; timeoutMs?: number },
  ): Promise<UpstreamResponse> {
    const response = await this.fetch(upstream, method, path, options);
    const contentType = response.headers.get('content-type') ?? 'application/json';
    const text = await response.text();
    let body: unknown = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new ProblemException('upstreamUnavailable', `${upstream} answered with a body that is not JSON`, {
          upstream,
        });
      }
    }
    const relayed: Record<string, string> = {};
    for (const name of RELAYED_HEADERS) {
      const value = response.headers.get(name);
      if (value) relayed[name] = name === 'location' ? value.replace('/internal/v1/', '/api/v1/') : value;
    }
    return { status: response.status, contentType, body, ...(Object.keys(relayed).length ? { headers: relayed } : {}) };
  }

  /**
   * GET with the body left unread, for documents too large to hold (the subject access export). The
   * timeout covers the whole transfer: a body that stops arriving fails the stream with a TimeoutError.
   */
  async open(
    upstream: Upstream,
    path: string,
    options: { identity: CallerIdentity; requestId?: string; timeoutMs?: number },
  ): Promise<OpenedUpstreamResponse> {
    const response = await this.fetch(upstream, 'GET', path, options);
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? 'application/json',
      body: response.body
        ? Readable.fromWeb(response.body as import('node:stream/web').ReadableStream)
        : Readable.from([]),
    };
  }

  private async fetch(
    upstream: Upstream,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options: { identity: CallerIdentity; requestId?: string; body?: unknown; timeoutMs?: number },
  ): Promise<Response> {
    const url = new URL(path, this.baseUrls[upstream]);
    const headers: Record<string, string> = {
      accept: 'application/json',
      [IDENTITY_HEADER]: await this.signer.sign(options.identity),
    };
    if (options.requestId) headers['x-request-id'] = options.requestId;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? this.config.UPSTREAM_TIMEOUT_MS),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw new ProblemException('timeout', `${upstream} did not answer in time`, { upstream });
      }
      throw new ProblemException('upstreamUnavailable', `${upstream} is unavailable`, { upstream });
    }
  }
}
