import type { Response } from 'express';
import type { UpstreamResponse } from './upstream.client';

/**
 * Sends an upstream answer on as it came: status, content type (problem+json included) and body.
 * A problem's `instance` names the public request, not the service's internal path behind it.
 */
export function relay(response: Response, upstream: UpstreamResponse): void {
  response.status(upstream.status).type(upstream.contentType);
  for (const [name, value] of Object.entries(upstream.headers ?? {})) response.setHeader(name, value);
  if (upstream.body === undefined) return void response.end();
  const body = upstream.body as Record<string, unknown> | null;
  const isProblem = upstream.contentType.startsWith('application/problem+json') && body && typeof body === 'object';
  response.send(
    JSON.stringify(isProblem && 'instance' in body ? { ...body, instance: response.req.originalUrl } : body),
  );
}
