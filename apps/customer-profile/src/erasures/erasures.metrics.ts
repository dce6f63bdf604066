import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { metricsRegistry, type Logger } from '@rapport/platform-observability';
import { LOGGER } from '@rapport/platform-runtime';
import { Gauge } from 'prom-client';
import { ErasuresRepository } from './erasures.repository';

type Summary = { open: number; oldestAgeSeconds: number };

/** The database read of the running service, bound by ErasureMetrics; none before it starts. */
let source: (() => Promise<Summary | undefined>) | undefined;
/** One read per scrape serves both gauges. */
let pending: Promise<Summary | undefined> | undefined;

function summary(): Promise<Summary | undefined> {
  pending ??= (source ? source() : Promise.resolve(undefined)).finally(() => {
    // the next scrape reads again
    setImmediate(() => (pending = undefined));
  });
  return pending;
}

/**
 * Erasure requests still open (some expected service has not acknowledged the erasure), read from
 * the database at scrape time, so every replica reports the same truth. OpenTelemetry-style names:
 * `rapport.erasure.requests.open` and the age of the oldest open one, which says an erasure is stuck
 * (GDPR's one-month answer period) sooner than the count does.
 */
export const erasureRequestsOpen = new Gauge({
  name: 'rapport_erasure_requests_open',
  help: 'Erasure requests not yet acknowledged by every expected service (read from the database at scrape time)',
  registers: [metricsRegistry],
  async collect() {
    const s = await summary();
    if (s) this.set(s.open);
  },
});

export const erasureOldestOpenAge = new Gauge({
  name: 'rapport_erasure_request_oldest_open_age_seconds',
  help: 'Age of the oldest erasure request still open, 0 when none (read from the database at scrape time)',
  registers: [metricsRegistry],
  async collect() {
    const s = await summary();
    if (s) this.set(s.oldestAgeSeconds);
  },
});

/** Binds the gauges to this service's database. A failed read is logged and keeps the last values: the scrape still answers. */
@Injectable()
export class ErasureMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly read = async (): Promise<Summary | undefined> => {
    try {
      return await this.repository.openSummary();
    } catch (error) {
      this.log.warn({ err: error }, 'erasure metrics: reading open requests failed; the gauges keep their last values');
      return undefined;
    }
  };

  constructor(
    private readonly repository: ErasuresRepository,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    source = this.read;
  }

  onModuleDestroy(): void {
    if (source === this.read) source = undefined;
  }
}
