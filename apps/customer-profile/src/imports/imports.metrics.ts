import { metricsRegistry } from '@rapport/platform-observability';
import { Counter, Histogram } from 'prom-client';
import type { ImportJob } from './imports.repository';

/** Rows of finished imports by type and outcome: `rate()` of it is the import throughput an SRE watches. */
export const importRows = new Counter({
  name: 'rapport_import_rows_total',
  help: 'Rows of finished imports, by type (customers, purchases) and outcome (imported, failed, skipped)',
  labelNames: ['type', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const importDuration = new Histogram({
  name: 'rapport_import_duration_seconds',
  help: 'Wall time of finished imports, by type and status (completed, failed)',
  labelNames: ['type', 'status'] as const,
  buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
  registers: [metricsRegistry],
});

/** Counts one finished import once, when its job row says how it ended. */
export function recordFinishedImport(job: ImportJob): void {
  importRows.inc({ type: job.type, outcome: 'imported' }, job.rowsImported);
  importRows.inc({ type: job.type, outcome: 'failed' }, job.rowsFailed);
  importRows.inc({ type: job.type, outcome: 'skipped' }, job.rowsSkipped);
  if (job.finishedAt)
    importDuration.observe(
      { type: job.type, status: job.status },
      (job.finishedAt.getTime() - job.startedAt.getTime()) / 1000,
    );
}
