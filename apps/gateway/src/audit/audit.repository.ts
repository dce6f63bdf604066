import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditResourceType } from './audit-resource';
import type { SubjectIds } from './subject-ids';

export interface AuditEntry {
  actor: string;
  clientId?: string;
  roles: string[];
  action: string;
  resourceType: AuditResourceType;
  resourceId?: string;
  piiUnmasked: boolean;
  status: number;
  traceId?: string;
  requestId?: string;
}

export interface AuditQuery {
  /** Entries whose subjects include this customer (reads that handed its data out, changes to it). */
  customerId?: string;
  resourceType?: string;
  resourceId?: string;
  actor?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** Keyset cursor: entries strictly older than this id. */
  before?: number;
}

export interface AuditRecord extends Omit<AuditEntry, 'resourceType'> {
  id: number;
  at: string;
  resourceType: string;
  /** How many customers the entry is about (gateway.audit_subjects). */
  subjectCount: number;
}

/** Subjects go in with one statement per batch: a parameter of 10 000 uuids is ~370 kB. */
const SUBJECT_BATCH = 10_000;

@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The entry and its subjects in one transaction: both are written, or neither. */
  async append(entry: AuditEntry, subjects?: SubjectIds): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = (await manager.query(
        `INSERT INTO gateway.audit_log (actor, client_id, roles, action, resource_type, resource_id, pii_unmasked, status, trace_id, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         RETURNING id`,
        [
          entry.actor,
          entry.clientId ?? null,
          entry.roles,
          entry.action,
          entry.resourceType,
          entry.resourceId ?? null,
          entry.piiUnmasked,
          entry.status,
          entry.traceId ?? null,
          entry.requestId ?? null,
        ],
      )) as Array<{ id: string }>;
      const id = row!.id;
      for (const batch of subjects?.batches(SUBJECT_BATCH) ?? []) {
        await manager.query(
          `INSERT INTO gateway.audit_subjects (audit_id, customer_id)
           SELECT $1, customer_id FROM unnest($2::uuid[]) AS customer_id
           ON CONFLICT DO NOTHING`,
          [id, batch],
        );
      }
      return Number(id);
    });
  }

  async find(query: AuditQuery): Promise<AuditRecord[]> {
    // By customer: the subjects' index (customer_id, audit_id DESC) gives the entries newest first.
    const key = query.customerId ? 's.audit_id' : 'l.id';
    const conditions: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      conditions.push(sql.replace('?', `$${params.length}`));
    };
    if (query.customerId) add(`s.customer_id = ?`, query.customerId);
    if (query.resourceType) add(`l.resource_type = ?`, query.resourceType);
    if (query.resourceId) add(`l.resource_id = ?`, query.resourceId);
    if (query.actor) add(`l.actor = ?`, query.actor);
    if (query.from) add(`l.at >= ?`, query.from);
    if (query.to) add(`l.at < ?`, query.to);
    if (query.before) add(`${key} < ?`, query.before);
    params.push(query.limit);
    const rows = await this.dataSource.query(
      `SELECT l.id, l.at, l.actor, l.client_id, l.roles, l.action, l.resource_type, l.resource_id, l.pii_unmasked,
              l.status, l.trace_id, l.request_id,
              (SELECT count(*) FROM gateway.audit_subjects c WHERE c.audit_id = l.id)::int AS subject_count
         FROM ${query.customerId ? 'gateway.audit_subjects s JOIN gateway.audit_log l ON l.id = s.audit_id' : 'gateway.audit_log l'}
        ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY ${key} DESC
        LIMIT $${params.length}`,
      params,
    );
    return rows.map((r: Record<string, unknown>) => ({
      id: Number(r['id']),
      at: (r['at'] as Date).toISOString(),
      actor: r['actor'] as string,
      ...(r['client_id'] ? { clientId: r['client_id'] as string } : {}),
      roles: r['roles'] as string[],
      action: r['action'] as string,
      resourceType: r['resource_type'] as string,
      ...(r['resource_id'] ? { resourceId: r['resource_id'] as string } : {}),
      piiUnmasked: r['pii_unmasked'] as boolean,
      status: r['status'] as number,
      ...(r['trace_id'] ? { traceId: r['trace_id'] as string } : {}),
      ...(r['request_id'] ? { requestId: r['request_id'] as string } : {}),
      subjectCount: r['subject_count'] as number,
    }));
  }

  async exists(id: number): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM gateway.audit_log WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  /** The customer ids of one entry, in id order, after the keyset cursor `after`. */
  async subjects(auditId: number, limit: number, after?: string): Promise<string[]> {
    const rows = await this.dataSource.query(
      `SELECT customer_id FROM gateway.audit_subjects
        WHERE audit_id = $1 ${after ? 'AND customer_id > $3' : ''}
        ORDER BY customer_id
        LIMIT $2`,
      after ? [auditId, limit, after] : [auditId, limit],
    );
    return rows.map((r: { customer_id: string }) => r.customer_id);
  }
}
