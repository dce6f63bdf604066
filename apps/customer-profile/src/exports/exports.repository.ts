import { Injectable } from '@nestjs/common';
import type { CustomerVisibility } from '@rapport/platform-auth';
import { DataSource } from 'typeorm';
import { visibilitySql } from '../shared/visibility.sql';
import { EXPORT_ROW_SQL, type ExportRow } from './customer-csv';

@Injectable()
export class ExportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One keyset page by id of the customers the caller may see (erased ones left out). */
  async page(visibility: CustomerVisibility, afterId: string | null, limit: number): Promise<ExportRow[]> {
    const params: unknown[] = [afterId, limit];
    return this.dataSource.query(
      `SELECT ${EXPORT_ROW_SQL}
         FROM customer_profile.customers c
        WHERE ($1::uuid IS NULL OR c.id > $1::uuid) AND c.erased_at IS NULL AND ${visibilitySql(visibility, params)}
        ORDER BY c.id LIMIT $2`,
      params,
    );
  }
}
