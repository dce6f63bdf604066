import { Injectable } from '@nestjs/common';
import type { CustomerVisibility } from '@rapport/platform-auth';
import { DataSource } from 'typeorm';
import { visibilitySql } from '../customers/customers.repository';

export interface ExportRow {
  id: string;
  kind: string;
  name: string;
  email: string | null;
  phone: string | null;
  source_channel: string | null;
  owner_id: string | null;
  team: string | null;
  lifecycle_stage: string;
  tags: string[];
  created_at: Date;
}

@Injectable()
export class ExportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One keyset page by id of the customers the caller may see (erased ones left out). */
  async page(visibility: CustomerVisibility, afterId: string | null, limit: number): Promise<ExportRow[]> {
    const params: unknown[] = [afterId, limit];
    return this.dataSource.query(
      `SELECT c.id, c.kind, c.name, c.email, c.phone, c.source_channel, c.owner_id, c.team, c.lifecycle_stage, c.tags, c.created_at
         FROM customer_profile.customers c
        WHERE ($1::uuid IS NULL OR c.id > $1::uuid) AND c.erased_at IS NULL AND ${visibilitySql(visibility, params)}
        ORDER BY c.id LIMIT $2`,
      params,
    );
  }
}
