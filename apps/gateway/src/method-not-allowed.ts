import { ProblemException, sendProblem } from '@rapport/platform-http';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface KnownPath {
  pattern: RegExp;
  allow: string[];
  /** No `{param}`: it takes precedence over a template (`/customers/export.csv` over `/customers/{id}`). */
  literal: boolean;
}

/** The methods of every path of the document, with path templates (`{id}`) as one-segment wildcards. */
export function knownPaths(document: OpenAPIObject): KnownPath[] {
  return Object.entries(document.paths).map(([template, item]) => {
    const methods = HTTP_METHODS.filter((m) => (item as Record<string, unknown>)[m] !== undefined).map((m) =>
      m.toUpperCase(),
    );
    // Express answers HEAD for every GET route.
    if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
    const source = template
      .split(/(\{[^}]+\})/)
      .map((part) => (/^\{[^}]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    return { pattern: new RegExp(`^${source}/?$`), allow: methods, literal: !template.includes('{') };
  });
}

/**
 * RFC 9110 §15.5.6: a method the target resource does not support is 405 with an `Allow` header, not
 * 404. The routes are the OpenAPI document's, so what the document declares and what answers agree.
 * OPTIONS passes on to CORS (a preflight); unknown paths pass on to the 404 of the router.
 */
export function methodNotAllowed(document: OpenAPIObject) {
  const paths = knownPaths(document);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'OPTIONS') return next();
    let matching = paths.filter((p) => p.pattern.test(req.path));
    if (matching.length === 0) return next();
    if (matching.some((p) => p.literal)) matching = matching.filter((p) => p.literal);
    const allow = [...new Set(matching.flatMap((p) => p.allow))];
    if (allow.includes(req.method)) return next();
    res.setHeader('Allow', allow.join(', '));
    sendProblem(
      res,
      new ProblemException(
        'methodNotAllowed',
        `${req.method} is not allowed here; allowed: ${allow.join(', ')}`,
      ).toProblem(),
      req,
    );
  };
}
