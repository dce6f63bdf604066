import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { currentTraceIds, type Logger } from '@rapport/platform-observability';
import type { Request, Response } from 'express';
import { throwError, type Observable } from 'rxjs';
import {
  isTransientOverload,
  OVERLOAD_RETRY_AFTER_SECONDS,
  ProblemException,
  toProblem,
  type ProblemDocument,
} from './problem';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Every error of every HTTP route leaves as RFC 9457 problem+json, with request and trace ids.
 * Errors of Kafka event handlers are handed back unchanged (Nest would otherwise turn them into a
 * generic RPC error), so the events server can tell transient faults from poison messages.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() !== 'http') return throwError(() => exception);
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const problem = toProblem(exception);
    if (problem.status >= 500) this.logger.error({ err: exception, path: request.originalUrl }, 'request failed');
    if (exception instanceof ProblemException) {
      for (const [name, value] of Object.entries(exception.headers)) response.setHeader(name, value);
    } else if (isTransientOverload(exception)) {
      response.setHeader('retry-after', String(OVERLOAD_RETRY_AFTER_SECONDS));
    }
    sendProblem(response, problem, request);
  }
}

export function sendProblem(response: Response, problem: ProblemDocument, request?: Request): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const { traceId } = currentTraceIds();
  const body: ProblemDocument = {
    ...problem,
    instance: problem.instance ?? request?.originalUrl,
    ...(request?.requestId ? { requestId: request.requestId } : {}),
    ...(traceId ? { traceId } : {}),
  };
  response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}
