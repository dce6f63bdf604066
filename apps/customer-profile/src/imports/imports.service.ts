import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { customerVisibility } from '@rapport/platform-auth';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { CustomerImporter } from './customer-importer';
import { ImportErrorCode, ImportException } from './imports.exception';
import { recordFinishedImport } from './imports.metrics';
import { ImportsRepository, type ImportJob, type ImportRowError, type ImportType } from './imports.repository';
import { PurchaseImporter } from './purchase-importer';
import type { ImportFormat } from './row-source';

/** The first errors an answer shows. */
const ERRORS_SHOWN = 1_000;
const RECENT_IMPORTS = 20;

export interface ImportJobWithErrors extends ImportJob {
  errors: ImportRowError[];
}

/** Import jobs: run to their end while the upload streams in, and read back by whoever started them (or an admin). */
@Injectable()
export class ImportsService {
  constructor(
    private readonly customerImporter: CustomerImporter,
    private readonly purchaseImporter: PurchaseImporter,
    private readonly jobs: ImportsRepository,
  ) {}

  /**
   * Runs the import and returns the job as it ended: a failed import is a job that says so, not an
   * exception; but a body that holds no import at all is a 400 (see assertAnImport).
   */
  async run(
    type: ImportType,
    format: ImportFormat,
    body: Readable,
    caller: CallerIdentity,
  ): Promise<ImportJobWithErrors> {
    const id = randomUUID();
    await this.jobs.create(id, format, caller.sub, type);
    try {
      if (type === 'purchases') {
        await this.purchaseImporter.run(id, body, format, customerVisibility(caller), caller.sub);
      } else {
        // As with a single create: a person owns what they import, a department system's rows go to the pool.
        const person = !caller.roles.includes('integration');
        await this.customerImporter.run(id, body, format, {
          ownerId: person ? caller.sub : null,
          team: person ? (caller.team ?? null) : null,
        });
      }
    } catch {
      // The job row says what went wrong.
    }
    const job = await this.withErrors((await this.jobs.find(id, null))!);
    recordFinishedImport(job);
    return assertAnImport(job);
  }

  async find(id: string, caller: CallerIdentity): Promise<ImportJobWithErrors | null> {
    const job = await this.jobs.find(id, ownerFilter(caller));
    return job ? this.withErrors(job) : null;
  }

  /** The caller's most recent imports (an admin's: everyone's), without their errors. */
  recent(caller: CallerIdentity): Promise<ImportJob[]> {
    return this.jobs.list(ownerFilter(caller), RECENT_IMPORTS);
  }

  private async withErrors(job: ImportJob): Promise<ImportJobWithErrors> {
    return { ...job, errors: await this.jobs.errors(job.id, ERRORS_SHOWN) };
  }
}

const ownerFilter = (caller: CallerIdentity): string | null => (caller.roles.includes('admin') ? null : caller.sub);

/**
 * A body without a single row (empty, or a header alone) is no import but a 400; so are JSON lines none
 * of which is a JSON object (the document's pattern asks for a line starting with `{`) and a CSV none
 * of whose lines parses (a JSON document sent as text/csv): not imports whose rows failed.
 */
function assertAnImport(job: ImportJobWithErrors): ImportJobWithErrors {
  if (job.status === 'completed' && job.rowsTotal === 0) {
    throw new ImportException(
      ImportErrorCode.NoRows,
      'The import has no rows: send a CSV with a header row and at least one row, or JSON lines',
      [{ field: 'body', message: 'has no rows' }],
    );
  }
  const nothingRead = job.rowsImported === 0 && job.errors.length > 0;
  if (
    job.format === 'ndjson' &&
    nothingRead &&
    job.errors.every((e) => e.field === null && /^the line is not (a JSON object|valid JSON)$/.test(e.message))
  ) {
    throw new ImportException(ImportErrorCode.NotJsonLines, 'The body is not JSON lines: one JSON object per line', [
      { field: 'body', message: 'no line is a JSON object' },
    ]);
  }
  if (
    job.format === 'csv' &&
    nothingRead &&
    job.errors.every((e) => e.field === null && e.message.startsWith('malformed CSV'))
  ) {
    throw new ImportException(
      ImportErrorCode.NotCsv,
      'The body is not CSV: a header row and rows of comma-separated fields',
      [{ field: 'body', message: 'no line is a CSV record' }],
    );
  }
  return job;
}
