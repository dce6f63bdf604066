import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface AuditEntry {
  actor: string;
  clientId?: string;
  roles: string[];
  action: string;
  resourceType: string;
  resourceId?: string;
  piiUnmasked: boolean;
  status: number;
  traceId?: string;
  requestId?: string;
}

export interface AuditQuery {
  resourceId?: string;
  actor?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** Keyset cursor: entries strictly older than this id. */
  before?: number;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  at: string;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO gateway.audit_log (actor, client_id, roles, action, resource_type, resource_id, pii_unmasked, status, trace_id, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
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
    );
  }

  async find(query: AuditQuery): Promise<AuditRecord[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      conditions.push(sql.replace('?', `$${params.length}`));
    };
    if (query.resourceId) add(`resource_id = ?`, query.resourceId);
    if (query.actor) add(`actor = ?`, query.actor);
    if (query.from) add(`at >= ?`, query.from);
    if (query.to) add(`at < ?`, query.to);
    if (query.before) add(`id < ?`, query.before);
    params.push(query.limit);
    const rows = await this.dataSource.query(
      `SELECT id, at, actor, client_id, roles, action, resource_type, resource_id, pii_unmasked, status, trace_id, request_id
         FROM gateway.audit_log
        ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY id DESC
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
    }));
  }
}
