import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '@rapport/stack';
import { stackInfo } from '@rapport/testing';

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
      expect.arrayContaining(['http_server_request_duration_seconds', 'rapport_outbox_oldest_age_seconds', 'rapport_health_ready_transitions_total']),
    );
  });

  it('are all exported by the services', async () => {
    const exported = new Set<string>();
    for (const url of Object.values(stackInfo().serviceUrls)) {
      await fetch(`${url}/health/ready`); // readiness metrics are set by the first probe
      const text = await (await fetch(`${url}/metrics`)).text();
      for (const m of text.matchAll(/^# TYPE (\S+) /gm)) exported.add(m[1]!);
    }
    expect(named.filter((name) => !exported.has(name))).toEqual([]);
  });
});
