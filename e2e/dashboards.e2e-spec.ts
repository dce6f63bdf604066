import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '@rapport/stack';
import { exportedMetricNames } from '@rapport/testing';

interface Dashboard {
  title: string;
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  templating: { list: Array<{ query?: string | { query: string } }> };
}

/** Metrics of other exporters: kafka-exporter's (or Strimzi's) topic and consumer-group series. */
const EXTERNAL = /^kafka_/;

/** Every series a PromQL expression selects: a name before `{`, or label_values()'s first argument. */
function metricsOf(expr: string): string[] {
  const names = [
    ...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{/g),
    ...expr.matchAll(/label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/g),
  ].map((m) => m[1]!);
  // A histogram's series are exported under its own name's TYPE line.
  return names.map((name) => name.replace(/_(bucket|count|sum)$/, ''));
}

/**
 * The chart's Grafana dashboards (helm/rapport/dashboards, ConfigMaps with metrics.grafanaDashboards)
 * query only metrics the services really export: checked against a scrape of every running service.
 */
describe('Grafana dashboards in the chart', () => {
  const dir = path.join(repoRoot(), 'helm', 'rapport', 'dashboards');
  const dashboards = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Dashboard] as const);

  it('has the platform overview and the Kafka flow', () => {
    expect(dashboards.map(([f]) => f).sort()).toEqual(
      expect.arrayContaining(['kafka-flow.json', 'platform-overview.json']),
    );
    for (const [file, dashboard] of dashboards) {
      for (const panel of dashboard.panels) {
        // Every panel queries something, and every query names at least one metric.
        expect({ file, panel: panel.title, queries: panel.targets.length > 0 }).toEqual({
          file,
          panel: panel.title,
          queries: true,
        });
        for (const target of panel.targets)
          expect({ expr: target.expr, metrics: metricsOf(target.expr).length > 0 }).toEqual({
            expr: target.expr,
            metrics: true,
          });
      }
    }
  });

  it('queries only metrics that the services export', async () => {
    const exported = await exportedMetricNames();
    const missing: string[] = [];
    for (const [file, dashboard] of dashboards) {
      const exprs = [
        ...dashboard.panels.flatMap((panel) =>
          panel.targets.map((target) => ({ where: panel.title, expr: target.expr })),
        ),
        ...dashboard.templating.list.flatMap((v) =>
          v.query && typeof v.query === 'object' ? [{ where: 'variables', expr: v.query.query }] : [],
        ),
      ];
      for (const { where, expr } of exprs) {
        for (const name of metricsOf(expr))
          if (!EXTERNAL.test(name) && !exported.has(name)) missing.push(`${file} / ${where}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
