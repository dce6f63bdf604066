import { SLA_ESCALATION_ACTIONS, SLA_TARGET_KINDS } from '@rapport/contracts';
import { metricsRegistry } from '@rapport/platform-observability';
import { Counter } from 'prom-client';

/**
 * Service-desk's domain metrics, on the process's one registry (served on /metrics). Named after
 * OpenTelemetry's conventions (`rapport.sla.breaches` → `rapport_sla_breaches_total`); incremented by the
 * SLA scheduler when it fires a timer, in the transaction that writes the event to the outbox (a tick
 * rolled back after that, the database failing mid-tick, fires and counts those timers again on the next
 * one: a rare over-count, never a miss). Every label value starts at 0, so that `rate()` and `increase()`
 * see the first firing too.
 */
export const slaBreaches = new Counter({
  name: 'rapport_sla_breaches_total',
  help: 'SLA targets breached (the 100 % timer fired), by target (first-response, resolution)',
  labelNames: ['target'] as const,
  registers: [metricsRegistry],
});

export const slaWarnings = new Counter({
  name: 'rapport_sla_warnings_total',
  help: 'SLA warnings fired (a timer below 100 % of a target, e.g. 75 %), by target (first-response, resolution)',
  labelNames: ['target'] as const,
  registers: [metricsRegistry],
});

export const slaEscalations = new Counter({
  name: 'rapport_sla_escalations_total',
  help: 'SLA escalations that changed a ticket, by action (raise-priority, reassign-to-lead, reassign-to-manager)',
  labelNames: ['action'] as const,
  registers: [metricsRegistry],
});

for (const target of SLA_TARGET_KINDS) {
  slaBreaches.inc({ target }, 0);
  slaWarnings.inc({ target }, 0);
}
// `notify` is the warning or breach itself: it changes no ticket, so it is no escalation here
for (const action of SLA_ESCALATION_ACTIONS) if (action !== 'notify') slaEscalations.inc({ action }, 0);
