import { Injectable } from '@nestjs/common';
import { AuditRepository, type AuditEntry, type AuditQuery, type AuditRecord } from './audit.repository';

/** The audit log as the gateway's features use it: record who did what, and read it back (admins). */
@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  record(entry: AuditEntry): Promise<void> {
    return this.repository.append(entry);
  }

  /** A page, newest first, with the cursor of the next page when this one is full. */
  async page(query: AuditQuery): Promise<{ items: AuditRecord[]; nextCursor?: number }> {
    const items = await this.repository.find(query);
    return { items, ...(items.length === query.limit ? { nextCursor: items[items.length - 1]!.id } : {}) };
  }
}
