import { randomUUID } from 'node:crypto';
import { httpRequestDuration } from '@rapport/platform-observability';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ProblemException } from './problem';
import { sendProblem } from './problem.filter';
import { toProblem } from './problem';

declare module 'express-serve-static-core' {
  interface Request {
    requestId?: string;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes a caller's X-Request-Id when it is sane, or makes one; echoes it on the response. */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  req.requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.requestId);
  next();
}

/** RED metrics per route template (not per URL, which would explode label cardinality). */
export function httpMetrics(req: Request, res: Response, next: NextFunction): void {
  if (req.path === '/metrics') return next();
  const end = httpRequestDuration.startTimer();
  res.on('finish', () => {
    const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
    end({ method: req.method, route, status_code: String(res.statusCode) });
  });
  next();
}

/**
 * JSON bodies with a size limit. Parse errors and oversize bodies become problem+json here, since
 * they happen before Nest's exception filters can see them.
 */
export function jsonBody(limit: string) {
  const parse = express.json({ limit, type: ['application/json', 'application/*+json'] });
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') {
        return sendProblem(res, new ProblemException('payloadTooLarge', `The body exceeds ${limit}`).toProblem(), req);
      }
      if (type === 'entity.parse.failed') {
        return sendProblem(res, new ProblemException('malformed', 'The body is not valid JSON').toProblem(), req);
      }
      if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
        return sendProblem(
          res,
          new ProblemException('unsupportedMediaType', (error as Error).message).toProblem(),
          req,
        );
      }
      return sendProblem(res, toProblem(error), req);
    });
}
