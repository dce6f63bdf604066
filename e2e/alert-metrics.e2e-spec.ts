import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '@rapport/stack';
import { exportedMetricNames } from '@rapport/testing';

/**
 * The chart's alert rules (helm/rapport/templates/prometheusrule.yaml) name only metrics the services
 * really export, checked against a scrape of every service of the running stack. Metrics of other
 * exporters (kafka-exporter's kafka_*, Prometheus' own `up`) are not ours to check.
 */
describe('metrics named by the alert rules', () => {
  const rules = fs.readFileSync(path.join(repoRoot(), 'helm', 'rapport', 'templates', 'prometheusrule.yaml'), 'utf8');
  const named = [...new Set([...rules.matchAll(/\b((?:rapport|http_server)_[a-z0-9_]+)\b/g)].map((m) => m[1]!))]
    // A histogram's series are exported under its own name's TYPE line.
    .map((name) => name.replace(/_(bucket|count|sum)$/, ''))
    .filter((name, i, all) => all.indexOf(name) === i);

  it('finds the metrics in the rules', () => {
    expect(named).toEqual(
      expect.arrayContaining([
        'http_server_request_duration_seconds',
        'rapport_outbox_oldest_age_seconds',
        'rapport_health_ready_transitions_total',
        'rapport_sla_breaches_total',
      ]),
    );
  });

  it('are all exported by the services', async () => {
    const exported = await exportedMetricNames();
    expect(named.filter((name) => !exported.has(name))).toEqual([]);
  });
});
