import { randomUUID } from 'node:crypto';
import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import type { ImportList, ImportView } from '@rapport/contracts';
import { ProblemException } from '@rapport/platform-http';
import { customerVisibility } from '@rapport/platform-auth';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { Request } from 'express';
import { CustomerImporter } from './customer-importer';
import { ImportsRepository, type ImportJobRow } from './imports.repository';
import { PurchaseImporter } from './purchase-importer';
import type { ImportFormat } from './row-source';

const FORMATS: Record<string, ImportFormat> = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson', 'application/jsonl': 'ndjson' };

const TYPES = ['customers', 'purchases'] as const;

/** Bulk import of customers or purchases: the body is streamed (CSV or JSON lines), never held in memory whole. */
@Controller('internal/v1/imports')
export class ImportsController {
  constructor(
    private readonly importer: CustomerImporter,
    private readonly purchaseImporter: PurchaseImporter,
    private readonly jobs: ImportsRepository,
  ) {}

  @Post()
  @HttpCode(201)
  @CallerScopes('customers:write')
  async create(@Req() request: Request, @Caller() caller: CallerIdentity, @Query('type') typeParam?: string): Promise<ImportView> {
    const type = typeParam ?? 'customers';
    if (!(TYPES as readonly string[]).includes(type)) {
      throw new ProblemException('validation', 'type must be customers or purchases', { errors: [{ field: 'type', message: 'must be customers or purchases' }] });
    }
    const mediaType = (request.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const format = FORMATS[mediaType];
    if (!format) throw new ProblemException('unsupportedMediaType', 'Send text/csv or application/x-ndjson');
    if (type === 'purchases' && !caller.scopes.includes('purchases:write')) throw new ProblemException('forbidden', 'Importing purchases needs purchases:write');
    const id = randomUUID();
    await this.jobs.create(id, format, caller.sub, type as ImportJobRow['type']);
    if (type === 'purchases') {
      try {
        await this.purchaseImporter.run(id, request, format, customerVisibility(caller), caller.sub);
      } catch {
        // The job row says what went wrong.
      }
      return this.finished(id);
    }
    // As with a single create: a person owns what they import, a department system's rows go to the pool.
    const person = !caller.roles.includes('integration');
    try {
      await this.importer.run(id, request, format, { ownerId: person ? caller.sub : null, team: person ? (caller.team ?? null) : null });
    } catch {
      // The job row says what went wrong; the answer below shows it as failed.
    }
    return this.finished(id);
  }

  /** The job as it ended; a body without a single row (empty, or a header alone) is no import but a 400. */
  private async finished(id: string): Promise<ImportView> {
    const job = (await this.jobs.find(id, null))!;
    if (job.status === 'completed' && job.rows_total === 0) {
      throw new ProblemException('validation', 'The import has no rows: send a CSV with a header row and at least one row, or JSON lines', {
        errors: [{ field: 'body', message: 'has no rows' }],
      });
    }
    const view = await this.view(job, true);
    // JSON lines none of which is a JSON object: the body is not NDJSON at all (the document's pattern
    // asks for a line starting with `{`), not an import whose rows failed.
    if (job.format === 'ndjson' && view.rowsImported === 0 && view.errors.length > 0 && view.errors.every((e) => e.field === null && /^the line is not (a JSON object|valid JSON)$/.test(e.message))) {
      throw new ProblemException('validation', 'The body is not JSON lines: one JSON object per line', { errors: [{ field: 'body', message: 'no line is a JSON object' }] });
    }
    return view;
  }

  @Get()
  @CallerScopes('customers:read')
  async list(@Caller() caller: CallerIdentity): Promise<ImportList> {
    const rows = await this.jobs.list(caller.roles.includes('admin') ? null : caller.sub, 20);
    return { items: await Promise.all(rows.map((r) => this.view(r, false))) };
  }

  @Get(':id')
  @CallerScopes('customers:read')
  async get(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: CallerIdentity): Promise<ImportView> {
    const job = await this.jobs.find(id, caller.roles.includes('admin') ? null : caller.sub);
    if (!job) throw new ProblemException('notFound', `Import ${id} was not found`);
    return this.view(job, true);
  }

  private async view(job: ImportJobRow, withErrors: boolean): Promise<ImportView> {
    const errors = withErrors ? await this.jobs.errors(job.id, 1000) : [];
    return {
      id: job.id,
      format: job.format,
      type: job.type,
      status: job.status,
      rowsTotal: job.rows_total,
      rowsDone: job.rows_done,
      rowsImported: job.rows_imported,
      rowsFailed: job.rows_failed,
      rowsSkipped: job.rows_skipped,
      error: job.error,
      startedAt: new Date(job.started_at).toISOString(),
      finishedAt: job.finished_at ? new Date(job.finished_at).toISOString() : null,
      errors: errors.map((e) => ({ line: e.row_no, field: e.field, message: e.message })),
    };
  }
}
