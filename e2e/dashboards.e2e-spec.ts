import * as fs from 'node:fs';
import * as path from 'node:path';
import { SERVICE_NAMES } from '@rapport/contracts';
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

  it('has the platform overview, the Kafka flow and one dashboard per service', () => {
    expect(dashboards.map(([f]) => f).sort()).toEqual(
      ['kafka-flow.json', 'platform-overview.json', ...SERVICE_NAMES.map((service) => `${service}.json`)].sort(),
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

  it("scopes every query of a service's dashboard to that service, and shows its pool, lag and dead letters", () => {
    for (const service of SERVICE_NAMES) {
      const dashboard = dashboards.find(([f]) => f === `${service}.json`)![1];
      const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
      // our own series by job, kafka-exporter's by the service's consumer group or dead-letter topic
      const unscoped = exprs
        .flatMap((expr) => [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}/g)])
        .filter(
          ([, , labels]) =>
            !labels!.includes(`job="${service}"`) &&
            !labels!.includes(`consumergroup="rapport.${service}"`) &&
            !labels!.includes(`topic="rapport.${service}.dlq"`),
        )
        .map(([selector]) => selector);
      expect({ service, unscoped }).toEqual({ service, unscoped: [] });
      const named = new Set(exprs.flatMap(metricsOf));
      const expected = [
        'http_server_request_duration_seconds',
        'db_client_connections_usage',
        'nodejs_eventloop_lag_p99_seconds',
      ];
      // the gateway consumes no events and writes none to an outbox
      if (service !== 'gateway')
        expected.push(
          'rapport_messages_consumed_total',
          'kafka_consumergroup_lag',
          'kafka_topic_partition_current_offset',
          'rapport_outbox_oldest_age_seconds',
        );
      expect({ service, missing: expected.filter((name) => !named.has(name)) }).toEqual({ service, missing: [] });
    }
  });

  it("shows the domain metrics on their services' dashboards", () => {
    const metricsOn = (file: string) =>
      new Set(
        dashboards.find(([f]) => f === file)![1].panels.flatMap((p) => p.targets.flatMap((t) => metricsOf(t.expr))),
      );
    expect([...metricsOn('service-desk.json')]).toEqual(
      expect.arrayContaining([
        'rapport_sla_breaches_total',
        'rapport_sla_warnings_total',
        'rapport_sla_escalations_total',
      ]),
    );
    expect([...metricsOn('customer-profile.json')]).toEqual(
      expect.arrayContaining([
        'rapport_import_rows_total',
        'rapport_erasure_requests_open',
        'rapport_erasure_request_oldest_open_age_seconds',
      ]),
    );
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
