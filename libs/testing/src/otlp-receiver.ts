import * as fs from 'node:fs';
import * as path from 'node:path';
import { createServer, type Server } from 'node:http';

export interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
}

interface OtlpJson {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans?: Array<{
      spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number }>;
    }>;
  }>;
}

/**
 * A minimal OTLP/HTTP (JSON) trace receiver: what an OpenTelemetry collector would get from the
 * services, written one span per line to a file so tests can follow a trace across processes.
 */
export function startOtlpReceiver(spansFile: string): Promise<{ server: Server; url: string }> {
  fs.mkdirSync(path.dirname(spansFile), { recursive: true });
  fs.writeFileSync(spansFile, '');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpJson;
        const lines: string[] = [];
        for (const resourceSpans of body.resourceSpans ?? []) {
          const service =
            resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? 'unknown';
          for (const scope of resourceSpans.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              const collected: CollectedSpan = {
                service,
                traceId: span.traceId,
                spanId: span.spanId,
                ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
                name: span.name,
                kind: span.kind,
              };
              lines.push(JSON.stringify(collected));
            }
          }
        }
        if (lines.length) fs.appendFileSync(spansFile, lines.join('\n') + '\n');
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
    });
  });
}

export function readSpans(spansFile: string): CollectedSpan[] {
  if (!fs.existsSync(spansFile)) return [];
  return fs
    .readFileSync(spansFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CollectedSpan);
}
