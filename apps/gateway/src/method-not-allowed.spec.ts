import type { OpenAPIObject } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { methodNotAllowed } from './method-not-allowed';

const document = {
  paths: {
    '/api/v1/customers/{id}': { get: {}, patch: {}, delete: {} },
    '/api/v1/customers/export.csv': { get: {} },
  },
} as unknown as OpenAPIObject;

function call(method: string, path: string): { next: boolean; status?: number; allow?: string } {
  const headers: Record<string, string> = {};
  let status: number | undefined;
  const res = {
    headersSent: false,
    setHeader: (k: string, v: string) => (headers[k] = v),
    status: (s: number) => ((status = s), res),
    type: () => res,
    send: () => res,
  } as unknown as Response;
  let next = false;
  methodNotAllowed(document)({ method, path, originalUrl: path } as Request, res, () => (next = true));
  return { next, status, allow: headers['Allow'] };
}

describe(methodNotAllowed.name, () => {
  it('passes documented methods, unknown paths and CORS preflights on', () => {
    expect(call('GET', '/api/v1/customers/abc').next).toBe(true);
    expect(call('HEAD', '/api/v1/customers/abc').next).toBe(true);
    expect(call('TRACE', '/api/v1/nothing-here').next).toBe(true);
    expect(call('OPTIONS', '/api/v1/customers/abc').next).toBe(true);
  });

  it('answers 405 with Allow for a method the path lacks', () => {
    expect(call('PUT', '/api/v1/customers/abc')).toEqual({
      next: false,
      status: 405,
      allow: 'GET, DELETE, PATCH, HEAD',
    });
  });

  it('lets a literal path win over a template that also matches it', () => {
    expect(call('PATCH', '/api/v1/customers/export.csv')).toEqual({ next: false, status: 405, allow: 'GET, HEAD' });
  });
});
