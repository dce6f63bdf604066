import { Injectable } from '@nestjs/common';
import { ProblemException } from '@rapport/platform-http';
import { currentTraceIds } from '@rapport/platform-observability';
import type { CallerIdentity } from '@rapport/platform-runtime';
import type { Request } from 'express';
import { AuditRepository, type AuditEntry, type AuditQuery, type AuditRecord } from './audit.repository';
import { SubjectIds } from './subject-ids';

const TRACE_ID = /^[0-9a-f]{32}$/;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Who did it, with which client, in which request and trace: the part of an entry the caller gives. */
export type AuditCaller = Pick<AuditEntry, 'actor' | 'clientId' | 'roles' | 'traceId' | 'requestId'>;

/**
 * The caller part of an entry. The trace id is the active span's (the request's own trace), or the
 * one the caller sent in `traceparent` when no span is active, so an entry can always be followed
 * to its trace.
 */
export function auditCaller(identity: CallerIdentity, requestId?: string, request?: Request): AuditCaller {
  const traceId = traceIdOf(request);
  return {
    actor: identity.sub,
    ...(identity.clientId ? { clientId: identity.clientId } : {}),
    roles: identity.roles,
    ...(traceId ? { traceId } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

function traceIdOf(request?: Request): string | undefined {
  const active = currentTraceIds().traceId;
  const sent = TRACEPARENT.exec(request?.header('traceparent')?.trim().toLowerCase() ?? '')?.[1];
  return [active, sent].find((id) => id !== undefined && TRACE_ID.test(id) && !/^0+$/.test(id));
}

/** The caller part of an entry for a public request. */
export function auditCallerOf(request: Request): AuditCaller {
  return auditCaller(request.identity!, request.requestId, request);
}

/** The audit log as the gateway's features use it: record who did what, and read it back (admins). */
@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  /**
   * One entry and the customers it is about, in one transaction. An entry about a customer
   * (resourceType 'customer' with a resourceId) always has that customer among its subjects, so
   * "who read or changed customer X" is one question whatever the route.
   */
  async record(entry: AuditEntry, subjects?: SubjectIds | Iterable<unknown>): Promise<number> {
    const ids = subjects instanceof SubjectIds ? subjects : SubjectIds.of(subjects ?? []);
    if (entry.resourceType === 'customer' && entry.resourceId) ids.add(entry.resourceId);
    if (entry.traceId === undefined) {
      const traceId = traceIdOf();
      if (traceId) entry = { ...entry, traceId };
    }
    return this.repository.append(entry, ids);
  }

  /** A page, newest first, with the cursor of the next page when this one is full. */
  async page(query: AuditQuery): Promise<{ items: AuditRecord[]; nextCursor?: number }> {
    const items = await this.repository.find(query);
    return { items, ...(items.length === query.limit ? { nextCursor: items[items.length - 1]!.id } : {}) };
  }

  /** The customers of one entry, in id order, with the cursor of the next page when this one is full. */
  async subjects(auditId: number, limit: number, after?: string): Promise<{ items: string[]; nextCursor?: string }> {
    if (!(await this.repository.exists(auditId)))
      throw new ProblemException('notFound', `There is no audit entry ${auditId}`);
    const items = await this.repository.subjects(auditId, limit, after);
    return { items, ...(items.length === limit ? { nextCursor: items[items.length - 1]! } : {}) };
  }
}
