import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { maskEmail, maskPhone } from '@rapport/platform-auth';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import { CustomFieldsRepository } from '../custom-fields/custom-fields.repository';

/** A customer as every CSV export of customers reads it. */
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
  value_tier: string | null;
  custom_fields: Record<string, unknown> | null;
}

/** The columns of an ExportRow over `customer_profile.customers c`. */
export const EXPORT_ROW_SQL = `c.id, c.kind, c.name, c.email, c.phone, c.source_channel, c.owner_id, c.team, c.lifecycle_stage, c.tags, c.created_at, c.value_tier, c.custom_fields`;

/** The fixed columns; then one `cf.<key>` column per custom field defined when the export starts, by key. */
export const EXPORT_CSV_COLUMNS = [
  'id',
  'kind',
  'name',
  'email',
  'phone',
  'sourceChannel',
  'ownerId',
  'team',
  'lifecycleStage',
  'tags',
  'createdAt',
  'valueTier',
];

const PAGE = 5_000;

/** One CSV record: phone and email masked without pii:read; list values joined with ';'. */
export function exportCsvRecord(c: ExportRow, pii: boolean, customFieldKeys: readonly string[]): string[] {
  return [
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
    c.value_tier ?? '',
    ...customFieldKeys.map((key) => {
      const value = c.custom_fields?.[key];
      return value === undefined || value === null ? '' : Array.isArray(value) ? value.join(';') : String(value);
    }),
  ];
}

/**
 * Streams customers as CSV, keyset page by page, so memory stays flat at any size. UTF-8 with a BOM,
 * so spreadsheet programs show Chinese names right.
 */
@Injectable()
export class CustomerCsvWriter {
  constructor(private readonly customFields: CustomFieldsRepository) {}

  async write(
    response: Response,
    filename: string,
    pii: boolean,
    nextPage: (afterId: string | null, limit: number) => Promise<ExportRow[]>,
  ): Promise<void> {
    const keys = (await this.customFields.all()).map((d) => d.key);
    async function* records(): AsyncGenerator<string[]> {
      let after: string | null = null;
      for (;;) {
        const page = await nextPage(after, PAGE);
        for (const row of page) yield exportCsvRecord(row, pii, keys);
        if (page.length < PAGE) return;
        after = page[page.length - 1]!.id;
      }
    }
    response.status(200);
    response.setHeader('content-type', 'text/csv; charset=utf-8');
    response.setHeader('content-disposition', `attachment; filename="${filename}"`);
    response.write('\uFEFF');
    await pipeline(
      Readable.from(records()),
      stringify({ header: true, columns: [...EXPORT_CSV_COLUMNS, ...keys.map((k) => `cf.${k}`)] }),
      response,
    );
  }
}
