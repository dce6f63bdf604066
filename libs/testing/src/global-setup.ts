import { SERVICE_NAMES } from '@rapport/contracts';
import { killAllSync, startControlServer, Stack, testProfile } from '@rapport/stack';
import { startOtlpReceiver } from './otlp-receiver';
import { SPANS_FILE, writeStackFile, type TestStackInfo } from './stack-file';

/** Starts the test stack once per run: real PostgreSQL, real Kafka, the six services. */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const otlp = await startOtlpReceiver(SPANS_FILE);
  const stack = new Stack({
    profile: testProfile(),
    fresh: true,
    // The trace UI of `npm start` too (Zipkin): e2e/traces.e2e-spec.ts reads whole traces from its API.
    traces: true,
    log: (line) => process.stderr.write(`[stack] ${line}\n`),
    serviceEnv: {
      LOG_LEVEL: 'info',
      // Both: the in-process receiver (spans.jsonl, read by the specs) and the stack's Zipkin.
      OTEL_TRACES_EXPORTER: 'otlp,zipkin',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${otlp.url}/v1/traces`,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      // Short retries so the poison-message tests do not wait for production backoffs.
      CONSUMER_MAX_ATTEMPTS: '3',
      CONSUMER_RETRY_BASE_MS: '50',
      CONSUMER_RETRY_MAX_MS: '1000',
    },
  });
  process.on('exit', () => killAllSync());
  try {
    await stack.start();
  } catch (error) {
    await stack.stop().catch(() => undefined);
    otlp.server.close();
    throw error;
  }
  const control = await startControlServer(stack);
  // What each service runs with beyond the inherited environment: the medium tier boots a service in
  // process with it (startServiceInProcess), as the stack's own process of that service.
  const serviceEnvs = Object.fromEntries(
    SERVICE_NAMES.map((name) => [
      name,
      Object.fromEntries(
        Object.entries(stack.serviceEnv(name)).filter(([k, v]) => v !== undefined && process.env[k] !== v),
      ),
    ]),
  ) as TestStackInfo['serviceEnvs'];
  writeStackFile({ ...stack.info, controlUrl: control.url, otlpUrl: otlp.url, serviceEnvs });
  (globalThis as Record<string, unknown>)['__rapportTestStack'] = { stack, servers: [control.server, otlp.server] };
  process.stderr.write(`[stack] test stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
