import {
  messagesPublished,
  outboxBacklog,
  outboxOldestAge,
  startProducerSpan,
  type Logger,
} from '@rapport/platform-observability';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { OutgoingRecord, RecordProducer } from './bus';
import { backoffMs } from './errors';
import { outboxChannel, quoteIdent } from './messaging-tables.migration';

export interface OutboxRelayOptions {
  schema: string;
  /** Connection string for the LISTEN connection (the service's own role). */
  listenUrl: string;
  pollIntervalMs: number;
  batchSize: number;
  /** Published rows are kept this long for inspection, then deleted. */
  retentionHours?: number;
}

interface OutboxRow {
  seq: string;
  event_id: string;
  event_type: string;
  topic: string;
  message_key: string;
  headers: Record<string, string>;
  payload: string;
}

/**
 * Publishes committed outbox rows to Kafka. Woken by LISTEN/NOTIFY, with polling as a fallback;
 * `FOR UPDATE SKIP LOCKED` lets replicas share the work. A row is marked published in the same
 * transaction that locked it, after the broker acknowledged it: a crash in between publishes it again
 * (at least once), and consumers drop the duplicate by event id.
 */
export class OutboxRelay {
  private listener?: Client;
  private pollTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  private failures = 0;
  private lastCleanup = 0;
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: RecordProducer,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions,
  ) {
    this.table = `${quoteIdent(options.schema)}.outbox`;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.listen();
    this.pollTimer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.pollTimer.unref();
    this.wake();
  }

  /**
   * Stops listening and polling, then publishes what is left, for at most `flushTimeoutMs` (a broker
   * that is down must not hold up a shutdown: what is left stays in the outbox for the next start).
   */
  async stop(flushTimeoutMs = 10_000): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.retryTimer);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), flushTimeoutMs);
    });
    const flushed = (async () => {
      await this.running;
      await this.drain();
    })().catch((error: Error) =>
      this.logger.warn({ err: error }, 'outbox: final flush failed; rows stay for the next start'),
    );
    if ((await Promise.race([flushed, timeout])) === 'timeout') {
      this.logger.warn({ flushTimeoutMs }, 'outbox: final flush timed out; rows stay for the next start');
    }
    clearTimeout(timer);
  }

  /** Publishes everything pending now; resolves when the outbox is empty (used by tests and shutdown). */
  async flush(): Promise<void> {
    await this.running;
    await this.drain();
  }

  wake(): void {
    if (this.stopped && !this.running) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.drain();
        } while (this.again && !this.stopped);
        this.failures = 0;
        outboxBacklog.set(0);
        outboxOldestAge.set(0);
        await this.cleanup();
      } catch (error) {
        this.failures += 1;
        const delay = backoffMs(this.failures, 250, 10_000);
        this.logger.warn({ err: error, retryInMs: delay }, 'outbox: publish failed, will retry');
        await this.measureBacklog();
        if (!this.stopped) {
          this.retryTimer = setTimeout(() => this.wake(), delay);
          this.retryTimer.unref();
        }
      } finally {
        this.running = undefined;
      }
    })();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const published = await this.publishBatch();
      if (published < this.options.batchSize) return;
    }
  }

  private async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT seq, event_id, event_type, topic, message_key, headers, payload
           FROM ${this.table}
          WHERE published_at IS NULL
          ORDER BY seq
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize],
      );
      if (rows.length === 0) return 0;
      const spans = rows.map((row) =>
        startProducerSpan(row.topic, row.headers, {
          'messaging.message.id': row.event_id,
          'messaging.kafka.message.key': row.message_key,
          'cloudevents.event_id': row.event_id,
          'cloudevents.event_type': row.event_type,
        }),
      );
      const records: OutgoingRecord[] = rows.map((row, i) => ({
        topic: row.topic,
        key: row.message_key,
        value: row.payload,
        headers: { ...row.headers, ...spans[i]!.carrier },
      }));
      try {
        await this.producer.send(records);
      } catch (error) {
        spans.forEach((span) => span.end(error as Error));
        throw error;
      }
      spans.forEach((span) => span.end());
      await manager.query(`UPDATE ${this.table} SET published_at = clock_timestamp() WHERE seq = ANY($1::bigint[])`, [
        rows.map((r) => r.seq),
      ]);
      for (const row of rows) messagesPublished.inc({ topic: row.topic });
      return rows.length;
    });
  }

  private async measureBacklog(): Promise<void> {
    const [row] = await this.dataSource
      .query(
        `SELECT count(*)::int AS n, COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)), 0)::float8 AS age
           FROM ${this.table} WHERE published_at IS NULL`,
      )
      .catch(() => [undefined]);
    if (row) {
      outboxBacklog.set(row.n);
      outboxOldestAge.set(row.age);
    }
  }

  private async cleanup(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCleanup < 60_000) return;
    this.lastCleanup = now;
    await this.dataSource.query(`DELETE FROM ${this.table} WHERE published_at < now() - make_interval(hours => $1)`, [
      this.options.retentionHours ?? 24,
    ]);
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.options.listenUrl,
      application_name: `${this.options.schema}-outbox-listener`,
    });
    client.on('notification', () => this.wake());
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'outbox: LISTEN connection lost, polling until it is back');
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
      if (!this.stopped) {
        const timer = setTimeout(() => void this.listen().catch(() => undefined), 2_000);
        timer.unref();
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(outboxChannel(this.options.schema))}`);
      this.listener = client;
    } catch (error) {
      await client.end().catch(() => undefined);
      this.logger.warn({ err: error }, 'outbox: cannot LISTEN yet, polling meanwhile');
      if (!this.stopped) {
        const timer = setTimeout(() => void this.listen().catch(() => undefined), 2_000);
        timer.unref();
      }
    }
  }
}
