import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import { ProblemException } from '@rapport/platform-http';
import { currentTraceIds } from '@rapport/platform-observability';
import { IDENTITY_HEADER, SERVICE_CONFIG, signIdentity, type ServiceConfig } from '@rapport/platform-runtime';
import type { Request, Response } from 'express';
import { AuditService } from '../audit/audit.service';
import { GATEWAY_CONFIG, type GatewayConfig } from '../upstream/gateway-config';

/** Imports and exports move whole files: far longer than an ordinary call may take. */
const STREAM_TIMEOUT_MS = 30 * 60_000;

/**
 * Streams a request body to customer-profile and its answer back without parsing or buffering
 * either: for CSV / JSON-lines uploads and CSV downloads, which the JSON-only UpstreamClient cannot
 * carry. Identity is signed exactly as UpstreamClient signs it.
 */
@Injectable()
export class RawUpstream {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(SERVICE_CONFIG) private readonly serviceConfig: ServiceConfig,
    private readonly audit: AuditService,
  ) {}

  async stream(
    request: Request,
    response: Response,
    target: { method: 'GET' | 'POST'; path: string; audit: { action: string; change: boolean } },
  ): Promise<void> {
    const identity = request.identity!;
    const headers: Record<string, string> = {
      accept: request.header('accept') ?? '*/*',
      [IDENTITY_HEADER]: await signIdentity(identity, this.serviceConfig.INTERNAL_AUTH_SECRET),
    };
    if (request.requestId) headers['x-request-id'] = request.requestId;
    const contentType = request.header('content-type');
    if (target.method === 'POST' && contentType) headers['content-type'] = contentType;
    let upstream: globalThis.Response;
    try {
      upstream = await fetch(new URL(target.path, this.config.SERVICE_URL_CUSTOMER_PROFILE), {
        method: target.method,
        headers,
        ...(target.method === 'POST' ? { body: Readable.toWeb(request) as ReadableStream, duplex: 'half' } : {}),
        signal: AbortSignal.timeout(STREAM_TIMEOUT_MS),
      } as RequestInit);
    } catch (error) {
      if ((error as Error).name === 'TimeoutError')
        throw new ProblemException('timeout', 'customer-profile did not answer in time', {
          upstream: 'customer-profile',
        });
      throw new ProblemException('upstreamUnavailable', 'customer-profile is unavailable', {
        upstream: 'customer-profile',
      });
    }
    const succeeded = upstream.status >= 200 && upstream.status < 300;
    const piiUnmasked = succeeded && identity.scopes.includes('pii:read') && !target.audit.change;
    if (succeeded && (target.audit.change || piiUnmasked)) {
      await this.audit.record({
        actor: identity.sub,
        ...(identity.clientId ? { clientId: identity.clientId } : {}),
        roles: identity.roles,
        action: target.audit.action,
        resourceType: 'customer',
        piiUnmasked,
        status: upstream.status,
        ...(currentTraceIds().traceId ? { traceId: currentTraceIds().traceId } : {}),
        ...(request.requestId ? { requestId: request.requestId } : {}),
      });
    }
    response.status(upstream.status);
    for (const name of ['content-type', 'content-disposition']) {
      const value = upstream.headers.get(name);
      if (value) response.setHeader(name, value);
    }
    if (!upstream.body) {
      response.end();
      return;
    }
    await pipeline(Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream), response);
  }
}
