import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AuditResourceType } from '../audit/audit-resource';
import { AuditService, auditCallerOf } from '../audit/audit.service';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { relay } from './relay-response';
import { UpstreamClient, type Upstream, type UpstreamResponse } from './upstream.client';

export interface AuditPolicy {
  action: string;
  resourceType: AuditResourceType;
  /** The id of the resource, from the path or (for a create) from the answer. */
  resourceId?: (response: UpstreamResponse) => string | undefined;
  /** A change is always audited; a read only when it returned unmasked personal data. */
  change: boolean;
  /**
   * Whether a successful answer carries customers' personal data (unmasked for a caller with
   * pii:read). Default: for resourceType 'customer'.
   */
  personalData?: boolean;
  /**
   * The customers the entry is about besides a customer resource itself: those a list handed out,
   * those a change touched. Written with the entry, in its transaction.
   */
  subjects?: (response: UpstreamResponse) => Iterable<unknown> | undefined;
}

/** The customers of a JSON page (customer lists, searches, segment members and previews): `items[].id`. */
export function itemIds(response: UpstreamResponse): string[] {
  const items = (response.body as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? items.map((item) => (item as { id?: unknown } | null)?.id as string) : [];
}

/** The id of what a create answered with (`{"id": …}`), for the audit entry's resourceId. */
export function answerId(response: UpstreamResponse): string | undefined {
  const id = (response.body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

/** A list of customer ids in the answer, such as `added` of static list members. */
export function idList(key: string): (response: UpstreamResponse) => unknown[] {
  return (response) => {
    const ids = (response.body as Record<string, unknown> | undefined)?.[key];
    return Array.isArray(ids) ? ids : [];
  };
}

export interface ForwardTarget {
  upstream: Upstream;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  audit?: AuditPolicy;
  /** Runs after a successful (2xx, not replayed) answer, before it is relayed: what the gateway itself must do about the change. */
  afterSuccess?: (response: UpstreamResponse) => Promise<void>;
}

export interface UpstreamForwarder {
  /** A read relayed as the service answers it, with nothing to audit. */
  get(request: Request, response: Response, path: string): Promise<void>;
  send(request: Request, response: Response, target: Omit<ForwardTarget, 'upstream'>): Promise<void>;
}

/**
 * One way for every public route to reach a service: caller identity signed for the service,
 * Idempotency-Key on POST, the audit trail, and the service's answer relayed as it came.
 */
@Injectable()
export class ApiProxy {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly idempotency: IdempotencyService,
    private readonly audit: AuditService,
  ) {}

  /** The forwards to one service, for a controller whose routes all reach it. */
  to(upstream: Upstream): UpstreamForwarder {
    return {
      get: (request, response, path) => this.forward(request, response, { upstream, method: 'GET', path }),
      send: (request, response, target) => this.forward(request, response, { ...target, upstream }),
    };
  }

  async forward(request: Request, response: Response, target: ForwardTarget): Promise<void> {
    const identity = request.identity!;
    const call = () =>
      this.upstream.call(target.upstream, target.method, target.path, {
        identity,
        requestId: request.requestId,
        ...(target.body !== undefined ? { body: target.body } : {}),
      });
    const result =
      target.method === 'POST'
        ? await this.idempotency.run(
            `${identity.clientId ?? '-'}/${identity.sub}`,
            request.header('idempotency-key'),
            { method: target.method, path: request.path, body: target.body },
            call,
          )
        : await call();
    const replayed = 'replayed' in result && result.replayed === true;
    if (target.audit && !replayed) await this.record(request, result, target.audit);
    if (target.afterSuccess && !replayed && result.status >= 200 && result.status < 300)
      await target.afterSuccess(result);
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    relay(response, result);
  }

  private async record(request: Request, result: UpstreamResponse, policy: AuditPolicy): Promise<void> {
    const succeeded = result.status >= 200 && result.status < 300;
    const personalData = policy.personalData ?? policy.resourceType === 'customer';
    const piiUnmasked = succeeded && personalData && request.identity!.scopes.includes('pii:read');
    if (!succeeded || (!policy.change && !piiUnmasked)) return;
    const resourceId = policy.resourceId?.(result);
    await this.audit.record(
      {
        ...auditCallerOf(request),
        action: policy.action,
        resourceType: policy.resourceType,
        ...(resourceId ? { resourceId } : {}),
        piiUnmasked,
        status: result.status,
      },
      policy.subjects?.(result),
    );
  }
}
