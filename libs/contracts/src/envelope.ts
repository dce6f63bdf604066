import { randomUUID } from 'node:crypto';
import type { EventData, EventDefinition } from './event-definition';

/** CloudEvents 1.0 attributes of every Rapport event, plus the W3C trace context of the producer. */
export interface EventEnvelope<T = unknown> {
  readonly specversion: '1.0';
  readonly id: string;
  readonly type: string;
  readonly source: string;
  /** The aggregate id (customer id for customer data). Also the Kafka message key. */
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly traceparent?: string;
  readonly tracestate?: string;
  readonly data: T;
}

export function createEnvelope<E extends EventDefinition>(
  definition: E,
  subject: string,
  data: EventData<E>,
  options: { id?: string; time?: Date } = {},
): EventEnvelope<EventData<E>> {
  return {
    specversion: '1.0',
    id: options.id ?? randomUUID(),
    type: definition.type,
    source: `/rapport/${definition.source}`,
    subject,
    time: (options.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data,
  };
}

/** A Kafka record in CloudEvents binary content mode: attributes in `ce_*` headers, data as the value. */
export interface BinaryModeRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

const CE_ATTRIBUTES = ['specversion', 'id', 'type', 'source', 'subject', 'time'] as const;

export function toBinaryMode(envelope: EventEnvelope): BinaryModeRecord {
  const headers: Record<string, string> = { 'content-type': envelope.datacontenttype };
  for (const attribute of CE_ATTRIBUTES) headers[`ce_${attribute}`] = envelope[attribute];
  if (envelope.traceparent) {
    // `traceparent` is what OpenTelemetry propagators read; `ce_traceparent` is the CloudEvents
    // distributed-tracing extension in binary mode. Both carry the same value.
    headers['traceparent'] = envelope.traceparent;
    headers['ce_traceparent'] = envelope.traceparent;
    if (envelope.tracestate) {
      headers['tracestate'] = envelope.tracestate;
      headers['ce_tracestate'] = envelope.tracestate;
    }
  }
  return { key: envelope.subject, value: JSON.stringify(envelope.data), headers };
}

export class EnvelopeDecodeError extends Error {
  override readonly name = 'EnvelopeDecodeError';
}

/** Reads a binary-mode record back into an envelope; throws EnvelopeDecodeError if it is not one. */
export function fromBinaryMode(headers: Record<string, string | undefined>, value: string | null): EventEnvelope {
  const missing = CE_ATTRIBUTES.filter((attribute) => !headers[`ce_${attribute}`]);
  if (missing.length > 0) {
    throw new EnvelopeDecodeError(`missing CloudEvents headers: ${missing.map((m) => `ce_${m}`).join(', ')}`);
  }
  if (headers['ce_specversion'] !== '1.0') {
    throw new EnvelopeDecodeError(`unsupported ce_specversion ${headers['ce_specversion']}`);
  }
  if (value === null) throw new EnvelopeDecodeError('empty message value');
  let data: unknown;
  try {
    data = JSON.parse(value);
  } catch (error) {
    throw new EnvelopeDecodeError(`value is not JSON: ${(error as Error).message}`);
  }
  const traceparent = headers['traceparent'] ?? headers['ce_traceparent'];
  const tracestate = headers['tracestate'] ?? headers['ce_tracestate'];
  return {
    specversion: '1.0',
    id: headers['ce_id']!,
    type: headers['ce_type']!,
    source: headers['ce_source']!,
    subject: headers['ce_subject']!,
    time: headers['ce_time']!,
    datacontenttype: 'application/json',
    ...(traceparent ? { traceparent } : {}),
    ...(tracestate ? { tracestate } : {}),
    data,
  };
}
