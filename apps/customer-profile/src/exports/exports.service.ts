import { Injectable } from '@nestjs/common';
import type { CustomerVisibility } from '@rapport/platform-auth';
import type { ExportRow } from './customer-csv';
import { ExportsRepository } from './exports.repository';

@Injectable()
export class ExportsService {
  constructor(private readonly exports: ExportsRepository) {}

  /** One keyset page of the customers a CSV export holds (those the caller may see). */
  page(visibility: CustomerVisibility, afterId: string | null, limit: number): Promise<ExportRow[]> {
    return this.exports.page(visibility, afterId, limit);
  }
}
