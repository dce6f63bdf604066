import { setSourceMapsSupport } from 'node:module';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

let sdk: { shutdown(): Promise<void> } | undefined;

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
  keepSourceMapsToOurCode();
  process.env.OTEL_SERVICE_NAME ??= serviceName;
  // Metrics are served by /metrics (Prometheus) and logs go to stdout: do not push either over OTLP.
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  const exportNothing = (process.env.OTEL_TRACES_EXPORTER ?? '').trim() === 'none';
  const instrumentations: Instrumentation[] = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.some((p) => req.url?.startsWith(p)),
    }),
    // fetch(): the gateway's calls to services carry the trace context.
    new UndiciInstrumentation(),
  ];
  sdk = exportNothing ? startWithoutExport(instrumentations) : startExporting(instrumentations);
}

/**
 * Services run with --enable-source-maps, so that stack traces name the TypeScript lines. That flag also
 * reads and keeps the source maps of every dependency that ships them (OpenTelemetry, TypeORM, rxjs, …):
 * ~25 MB of idle RSS per service for stack frames inside libraries (issue 18). The service's own code
 * keeps its maps; the dependencies' frames are shown as their JavaScript. This runs first in every
 * service (main.ts imports the tracing file first), before the bulk of the modules is loaded.
 */
function keepSourceMapsToOurCode(): void {
  if (process.sourceMapsEnabled) setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });
}

/**
 * Nothing exported: a tracer provider with no span processor, W3C trace context and baggage, and the
 * http and undici instrumentations. The same spans and propagation as NodeSDK gives with
 * OTEL_TRACES_EXPORTER=none, without loading NodeSDK and every exporter it bundles (OTLP over gRPC,
 * protobuf, ...): ~20 MB of idle RSS per service (issue 18). Express (a span per middleware) and pg
 * (a span per statement) spans only serve a trace backend: with nothing exported they cost ~15 % of a
 * read's CPU for nothing (issue 18's profiles), so they are left out here.
 */
function startWithoutExport(instrumentations: Instrumentation[]): { shutdown(): Promise<void> } {
  // Required here, not at the top: the exporting path must not load them twice, nor this path NodeSDK.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeTracerProvider } =
    require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { registerInstrumentations } =
    require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const provider = new NodeTracerProvider();
  provider.register();
  const unregister = registerInstrumentations({ instrumentations, tracerProvider: provider });
  return {
    shutdown: async () => {
      unregister();
      await provider.shutdown();
    },
  };
}

/** A trace backend is configured: NodeSDK, which reads the exporter, sampler and resource from OTEL_*. */
function startExporting(instrumentations: Instrumentation[]): { shutdown(): Promise<void> } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { ExpressInstrumentation } =
    require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const exporting = new NodeSDK({
    instrumentations: [
      ...instrumentations,
      new ExpressInstrumentation(),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  exporting.start();
  return exporting;
}

/** Flushes spans still buffered; called last in graceful shutdown. */
export async function stopTracing(): Promise<void> {
  const current = sdk;
  sdk = undefined;
  await current?.shutdown().catch(() => undefined);
}
