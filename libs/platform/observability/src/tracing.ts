import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

let sdk: NodeSDK | undefined;

const UNTRACED_PATHS = ['/health', '/metrics'];

/**
 * Starts OpenTelemetry before anything else is required (main.ts imports the service's tracing file
 * first), so that http, fetch (undici), express and pg are patched. The exporter is chosen by the standard OTEL_*
 * variables (OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT, ...). With OTEL_TRACES_EXPORTER=none
 * spans are still created, so trace ids reach the logs and the Kafka headers, but nothing is exported
 * (and the express and pg instrumentations, whose spans only a backend reads, are left out).
 * Kafka spans are made by the messaging library itself, which keeps the Kafka client replaceable.
 */
export function startTracing(serviceName: string): void {
  if (sdk) return;
  process.env.OTEL_SERVICE_NAME ??= serviceName;
  // Metrics are served by /metrics (Prometheus) and logs go to stdout: do not push either over OTLP.
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  const exportNothing = (process.env.OTEL_TRACES_EXPORTER ?? '').trim() === 'none';
  sdk = new NodeSDK({
    ...(exportNothing ? { spanProcessors: [new tracing.NoopSpanProcessor()] } : {}),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.some((p) => req.url?.startsWith(p)),
      }),
      // Express (a span per middleware) and pg (a span per statement) spans only serve a trace backend:
      // with nothing exported they cost ~15 % of a read's CPU for nothing (issue 18's profiles). The
      // request's trace id (http) and its propagation to services (undici) and Kafka stay either way.
      ...(exportNothing ? [] : [new ExpressInstrumentation(), new PgInstrumentation({ requireParentSpan: true })]),
      // fetch(): the gateway's calls to services carry the trace context.
      new UndiciInstrumentation(),
    ],
  });
  sdk.start();
}

/** Flushes spans still buffered; called last in graceful shutdown. */
export async function stopTracing(): Promise<void> {
  const current = sdk;
  sdk = undefined;
  await current?.shutdown().catch(() => undefined);
}
