import { ProblemException, sendProblem } from '@rapport/platform-http';
import type { NextFunction, Request, Response } from 'express';

/** The path of the first string (or key) holding U+0000 in a parsed JSON body, if any. */
export function nulPath(value: unknown, at = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? at || 'body' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], `${at}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const field = at ? `${at}.${key}` : key;
      if (key.includes('\u0000')) return field;
      const found = nulPath(item, field);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * PostgreSQL's text and jsonb cannot hold U+0000, so a query or JSON body carrying it could only fail deep in a
 * service (a 500). The gateway refuses it up front, naming the field; the document's string
 * patterns say so (openapi-validators.ts).
 */
export function rejectNul(req: Request, res: Response, next: NextFunction): void {
  const field = nulPath(req.query) ?? nulPath(req.body);
  if (!field) return next();
  const message = 'must not contain the character U+0000';
  sendProblem(
    res,
    new ProblemException('validation', `${field} ${message}`, { errors: [{ field, message }] }).toProblem(),
    req,
  );
}
