import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import { ProblemException } from '@rapport/platform-http';
import { IDENTITY_HEADER, SERVICE_CONFIG, signIdentity, type ServiceConfig } from '@rapport/platform-runtime';
import type { Request, Response } from 'express';
import type { AuditResourceType } from '../audit/audit-resource';
import { AuditService, auditCallerOf } from '../audit/audit.service';
import { collectCsvSubjects } from '../audit/csv-subjects';
import { SubjectIds } from '../audit/subject-ids';
import { GATEWAY_CONFIG, type GatewayConfig } from '../upstream/gateway-config';

/** Imports and exports move whole files: far longer than an ordinary call may take. */
const STREAM_TIMEOUT_MS = 30 * 60_000;

export interface RawAuditPolicy {
  action: string;
  /** A change (an import) is always audited; a read (a CSV export) when it handed out unmasked data. */
  change: boolean;
  resourceType: AuditResourceType;
  resourceId?: string;
}

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
    target: { method: 'GET' | 'POST'; path: string; audit: RawAuditPolicy },
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
    const entry = {
      ...auditCallerOf(request),
      action: target.audit.action,
      resourceType: target.audit.resourceType,
      ...(target.audit.resourceId ? { resourceId: target.audit.resourceId } : {}),
      piiUnmasked,
      status: upstream.status,
    };
    // An unmasked CSV read is recorded with whose data it handed out, known once it has streamed;
    // anything else that is audited is recorded before it is handed out.
    const csvRead = piiUnmasked && /^text\/csv\b/i.test(upstream.headers.get('content-type') ?? '');
    if ((succeeded && target.audit.change) || (piiUnmasked && !csvRead)) await this.audit.record(entry);
    response.status(upstream.status);
    for (const name of ['content-type', 'content-disposition']) {
      const value = upstream.headers.get(name);
      if (value) response.setHeader(name, value);
    }
    if (!upstream.body) {
      if (csvRead) await this.audit.record(entry);
      response.end();
      return;
    }
    const body = Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream);
    if (!csvRead) {
      await pipeline(body, response);
      return;
    }
    await this.streamCsvRead(body, response, (subjects) => this.audit.record(entry, subjects));
  }

  /**
   * Streams a CSV read on while collecting the id column, then writes the entry and its subjects in
   * one transaction before the download is completed: when that fails, the download is cut off (the
   * client sees a broken transfer, not a whole file) and the error is thrown. A download that broke
   * off is still recorded, with the customers streamed before it broke.
   */
  private async streamCsvRead(
    body: Readable,
    response: Response,
    record: (subjects: SubjectIds) => Promise<unknown>,
  ): Promise<void> {
    const subjects = new SubjectIds();
    try {
      await pipeline(body, collectCsvSubjects(subjects), response, { end: false });
    } catch (error) {
      // What streamed before the break was handed out; the break is the error to report.
      await record(subjects).catch(() => undefined);
      throw error;
    }
    try {
      await record(subjects);
    } catch (error) {
      response.destroy(error as Error);
      throw error;
    }
    response.end();
  }
}
