import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';

const tracer = () => trace.getTracer('rapport-messaging');

export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** The W3C trace context of the active span, to store with an outbox row. */
export function captureTraceContext(): TraceCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return {
    ...(carrier['traceparent'] ? { traceparent: carrier['traceparent'] } : {}),
    ...(carrier['tracestate'] ? { tracestate: carrier['tracestate'] } : {}),
  };
}

export function currentTraceIds(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

export interface ProducerSpan {
  /** The trace context to put in the message headers, so the consumer continues this trace. */
  readonly carrier: TraceCarrier;
  end(error?: Error): void;
}

/**
 * Starts a PRODUCER span whose parent is the context stored with the message (the request that wrote
 * the outbox row), so the trace runs from the HTTP request through the relay to the consumer.
 */
export function startProducerSpan(destination: string, stored: TraceCarrier, attributes: Attributes): ProducerSpan {
  const parent = propagation.extract(ROOT_CONTEXT, { ...stored });
  const span = tracer().startSpan(
    `send ${destination}`,
    {
      kind: SpanKind.PRODUCER,
      // OpenTelemetry messaging semantic conventions (v1.27+): operation type "send" for a producer.
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'send',
        'messaging.destination.name': destination,
        ...attributes,
      },
    },
    parent,
  );
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(parent, span), carrier);
  return {
    carrier,
    end(error?: Error) {
      if (error) {
        span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      }
      span.end();
    },
  };
}

/** Runs `fn` in a CONSUMER span that continues the trace found in the message headers. */
export async function withConsumerSpan<T>(
  source: string,
  headers: TraceCarrier,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(ROOT_CONTEXT, { ...headers });
  const span = tracer().startSpan(
    `process ${source}`,
    {
      kind: SpanKind.CONSUMER,
      // Messaging semantic conventions: a push-based handler is operation type "process".
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': source,
        ...attributes,
      },
    },
    parent,
  );
  return runSpan(span, () => context.with(trace.setSpan(parent, span), fn));
}

async function runSpan<T>(span: Span, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}
