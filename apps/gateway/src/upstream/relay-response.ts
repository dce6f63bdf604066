import type { Response } from 'express';
import type { UpstreamResponse } from './upstream.client';

/** Sends an upstream answer on as it came: status, content type (problem+json included) and body. */
export function relay(response: Response, upstream: UpstreamResponse): void {
  response.status(upstream.status).type(upstream.contentType);
  for (const [name, value] of Object.entries(upstream.headers ?? {})) response.setHeader(name, value);
  if (upstream.body === undefined) response.end();
  else response.send(JSON.stringify(upstream.body));
}
