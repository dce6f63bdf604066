import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import type { ImportList, ImportView } from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { Request } from 'express';
import { ImportErrorCode, ImportException } from './imports.exception';
import type { ImportJob, ImportType } from './imports.repository';
import { ImportsService } from './imports.service';
import type { ImportFormat } from './row-source';

const FORMATS: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
};

const TYPES = ['customers', 'purchases'] as const;

/** Bulk import of customers or purchases: the body is streamed (CSV or JSON lines), never held in memory whole. */
@Controller('internal/v1/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post()
  @HttpCode(201)
  @CallerScopes('customers:write')
  async create(
    @Req() request: Request,
    @Caller() caller: CallerIdentity,
    @Query('type') typeParam?: string,
  ): Promise<ImportView> {
    const type = typeParam ?? 'customers';
    if (!(TYPES as readonly string[]).includes(type)) {
      throw new ImportException(ImportErrorCode.InvalidType, 'type must be customers or purchases', [
        { field: 'type', message: 'must be customers or purchases' },
      ]);
    }
    const mediaType = (request.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const format = FORMATS[mediaType];
    if (!format) throw new ImportException(ImportErrorCode.UnsupportedFormat, 'Send text/csv or application/x-ndjson');
    if (type === 'purchases' && !caller.scopes.includes('purchases:write'))
      throw new ImportException(ImportErrorCode.PurchasesNotAllowed, 'Importing purchases needs purchases:write');
    const job = await this.imports.run(type as ImportType, format, request, caller);
    return view(job, job.errors);
  }

  @Get()
  @CallerScopes('customers:read')
  async list(@Caller() caller: CallerIdentity): Promise<ImportList> {
    return { items: (await this.imports.recent(caller)).map((job) => view(job, [])) };
  }

  @Get(':id')
  @CallerScopes('customers:read')
  async get(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: CallerIdentity): Promise<ImportView> {
    const job = await this.imports.find(id, caller);
    if (!job) throw new ImportException(ImportErrorCode.NotFound, `Import ${id} was not found`);
    return view(job, job.errors);
  }
}

function view(job: ImportJob, errors: ImportView['errors']): ImportView {
  return {
    id: job.id,
    format: job.format,
    type: job.type,
    status: job.status,
    rowsTotal: job.rowsTotal,
    rowsDone: job.rowsDone,
    rowsImported: job.rowsImported,
    rowsFailed: job.rowsFailed,
    rowsSkipped: job.rowsSkipped,
    error: job.error,
    startedAt: new Date(job.startedAt).toISOString(),
    finishedAt: job.finishedAt ? new Date(job.finishedAt).toISOString() : null,
    errors: errors.map((e) => ({ line: e.line, field: e.field, message: e.message })),
  };
}
