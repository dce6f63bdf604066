import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One Prometheus registry per process, served on /metrics. RED metrics for HTTP, and the counters
 * an SRE needs for messaging: published, consumed, retried, dead-lettered, outbox backlog.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestDuration = new Histogram({
  name: 'http_server_request_duration_seconds',
  help: 'HTTP request duration by method, route and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const messagesPublished = new Counter({
  name: 'rapport_messages_published_total',
  help: 'Events published to Kafka by the outbox relay',
  labelNames: ['topic'] as const,
  registers: [metricsRegistry],
});

export const messagesConsumed = new Counter({
  name: 'rapport_messages_consumed_total',
  help: 'Kafka messages handled, by outcome (processed, duplicate, ignored, dead_lettered)',
  labelNames: ['topic', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const messageRetries = new Counter({
  name: 'rapport_message_retries_total',
  help: 'Retries of a Kafka message after a failed attempt',
  labelNames: ['topic', 'kind'] as const,
  registers: [metricsRegistry],
});

export const outboxBacklog = new Gauge({
  name: 'rapport_outbox_backlog',
  help: 'Outbox rows not yet published, as seen by the last relay pass',
  registers: [metricsRegistry],
});

export const eventLatency = new Histogram({
  name: 'rapport_event_commit_to_consume_seconds',
  help: 'Time from the producing transaction to the consumer handling the event',
  labelNames: ['topic'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export const outboxOldestAge = new Gauge({
  name: 'rapport_outbox_oldest_age_seconds',
  help: 'Age of the oldest outbox row not yet published (0 when none), as seen by the last relay pass',
  registers: [metricsRegistry],
});

export const healthReady = new Gauge({
  name: 'rapport_health_ready',
  help: 'The last readiness answer of /health/ready: 1 ready, 0 not ready',
  registers: [metricsRegistry],
});

export const healthReadyTransitions = new Counter({
  name: 'rapport_health_ready_transitions_total',
  help: 'Changes of the readiness answer (ready to not ready and back); a fast rise is flapping',
  registers: [metricsRegistry],
});

let lastReady: boolean | undefined;

/** Records one readiness answer; a change from the previous one counts as a transition. */
export function recordReadiness(ready: boolean): void {
  healthReady.set(ready ? 1 : 0);
  if (lastReady !== undefined && lastReady !== ready) healthReadyTransitions.inc();
  lastReady = ready;
}

/** The database connection pool as its owner sees it at scrape time. */
export interface ConnectionPoolStats {
  used: number;
  idle: number;
  pending: number;
  max: number;
}

let connectionPool: (() => ConnectionPoolStats | undefined) | undefined;

/** Reports this process's database pool on /metrics (the last call wins: a process has one pool). */
export function observeConnectionPool(stats: () => ConnectionPoolStats | undefined): void {
  connectionPool = stats;
}

/*
 * Database pool saturation, with OpenTelemetry's semantic-convention names (`db.client.connections.usage`
 * by state, `db.client.connections.max`, `db.client.connections.pending_requests`; the conventions' later
 * `db.client.connection.count` would end in `_count`, which Prometheus reserves for histograms and
 * summaries): used / max near 1 with pending requests means requests queue for a connection.
 */
export const dbConnectionCount = new Gauge({
  name: 'db_client_connections_usage',
  help: 'Database connections of the pool by state (used, idle), read at scrape time',
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
  collect() {
    const stats = connectionPool?.();
    if (!stats) return;
    this.set({ state: 'used' }, stats.used);
    this.set({ state: 'idle' }, stats.idle);
  },
});

export const dbConnectionMax = new Gauge({
  name: 'db_client_connections_max',
  help: 'The most database connections the pool opens',
  registers: [metricsRegistry],
  collect() {
    const stats = connectionPool?.();
    if (stats) this.set(stats.max);
  },
});

export const dbConnectionPending = new Gauge({
  name: 'db_client_connections_pending_requests',
  help: 'Queries waiting for a free database connection of the pool, read at scrape time',
  registers: [metricsRegistry],
  collect() {
    const stats = connectionPool?.();
    if (stats) this.set(stats.pending);
  },
});
