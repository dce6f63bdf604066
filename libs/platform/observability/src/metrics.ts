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
