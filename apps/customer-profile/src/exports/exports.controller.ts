import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Controller, Get, Res } from '@nestjs/common';
import { customerVisibility, maskEmail, maskPhone } from '@rapport/platform-auth';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import { ExportsRepository, type ExportRow } from './exports.repository';

const PAGE = 5_000;
const COLUMNS = ['id', 'kind', 'name', 'email', 'phone', 'sourceChannel', 'ownerId', 'team', 'lifecycleStage', 'tags', 'createdAt'];

/**
 * Streaming CSV export of the customers the caller may see, keyset page by page, so memory stays
 * flat at any size. UTF-8 with a BOM, so spreadsheet programs show Chinese names right.
 * Registered before the customers module: `export.csv` must not be taken for a customer id.
 */
@Controller('internal/v1/customers')
export class ExportsController {
  constructor(private readonly exports: ExportsRepository) {}

  @Get('export.csv')
  @CallerScopes('customers:read')
  async exportCsv(@Caller() caller: CallerIdentity, @Res() response: Response): Promise<void> {
    const visibility = customerVisibility(caller);
    const pii = caller.scopes.includes('pii:read');
    const repository = this.exports;
    async function* rows(): AsyncGenerator<string[]> {
      let after: string | null = null;
      for (;;) {
        const page: ExportRow[] = await repository.page(visibility, after, PAGE);
        for (const c of page) {
          yield [
            c.id,
            c.kind,
            c.name,
            c.email && !pii ? maskEmail(c.email) : (c.email ?? ''),
            c.phone && !pii ? maskPhone(c.phone) : (c.phone ?? ''),
            c.source_channel ?? '',
            c.owner_id ?? '',
            c.team ?? '',
            c.lifecycle_stage,
            (c.tags ?? []).join(';'),
            new Date(c.created_at).toISOString(),
          ];
        }
        if (page.length < PAGE) return;
        after = page[page.length - 1]!.id;
      }
    }
    response.status(200);
    response.setHeader('content-type', 'text/csv; charset=utf-8');
    response.setHeader('content-disposition', 'attachment; filename="customers.csv"');
    response.write('\uFEFF');
    await pipeline(Readable.from(rows()), stringify({ header: true, columns: COLUMNS }), response);
  }
}
