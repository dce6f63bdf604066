import { HttpException, HttpStatus } from '@nestjs/common';
import { isDatabaseBusy } from '@rapport/platform-database';

export const PROBLEM_BASE_URI = 'https://rapport.dev/problems/';

/** Stable problem types (RFC 9457 `type`), documented in the OpenAPI document. */
export const ProblemTypes = {
  validation: { slug: 'validation-error', status: HttpStatus.BAD_REQUEST, title: 'The request is not valid' },
  malformed: {
    slug: 'malformed-request',
    status: HttpStatus.BAD_REQUEST,
    title: 'The request body could not be parsed',
  },
  unauthorized: { slug: 'unauthorized', status: HttpStatus.UNAUTHORIZED, title: 'Authentication is required' },
  forbidden: { slug: 'forbidden', status: HttpStatus.FORBIDDEN, title: 'Not allowed' },
  notFound: { slug: 'not-found', status: HttpStatus.NOT_FOUND, title: 'Not found' },
  methodNotAllowed: { slug: 'method-not-allowed', status: HttpStatus.METHOD_NOT_ALLOWED, title: 'Method not allowed' },
  conflict: { slug: 'conflict', status: HttpStatus.CONFLICT, title: 'Conflict with the current state' },
  preconditionFailed: {
    slug: 'precondition-failed',
    status: HttpStatus.PRECONDITION_FAILED,
    title: 'Precondition failed',
  },
  payloadTooLarge: {
    slug: 'payload-too-large',
    status: HttpStatus.PAYLOAD_TOO_LARGE,
    title: 'The request body is too large',
  },
  unsupportedMediaType: {
    slug: 'unsupported-media-type',
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    title: 'Unsupported media type',
  },
  unprocessable: {
    slug: 'unprocessable',
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    title: 'The request cannot be processed',
  },
  rateLimited: { slug: 'rate-limited', status: HttpStatus.TOO_MANY_REQUESTS, title: 'Too many requests' },
  internal: { slug: 'internal-error', status: HttpStatus.INTERNAL_SERVER_ERROR, title: 'Internal error' },
  upstreamUnavailable: {
    slug: 'upstream-unavailable',
    status: HttpStatus.BAD_GATEWAY,
    title: 'A service is unavailable',
  },
  unavailable: { slug: 'service-unavailable', status: HttpStatus.SERVICE_UNAVAILABLE, title: 'Service unavailable' },
  timeout: { slug: 'timeout', status: HttpStatus.GATEWAY_TIMEOUT, title: 'The request timed out' },
} as const;

export type ProblemKind = keyof typeof ProblemTypes;

export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export function problemTypeUri(kind: ProblemKind): string {
  return PROBLEM_BASE_URI + ProblemTypes[kind].slug;
}

/**
 * The `default` of an exhaustive switch over an error code (docs/conventions.md): the compiler refuses
 * a code without its case, and a value outside the enum at run time fails loudly.
 */
export function assertUnreachable(value: never): never {
  throw new Error(`unhandled case ${String(value)}`);
}

/** Throw this for any error a client should see: it becomes a problem+json response as given. */
export class ProblemException extends HttpException {
  constructor(
    readonly kind: ProblemKind,
    detail?: string,
    readonly extensions: Record<string, unknown> & { errors?: FieldError[] } = {},
    /** Response headers that belong to the problem (WWW-Authenticate, Retry-After…). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? ProblemTypes[kind].title, ProblemTypes[kind].status);
  }

  toProblem(): ProblemDocument {
    const { title, status } = ProblemTypes[this.kind];
    return { type: problemTypeUri(this.kind), title, status, detail: this.message, ...this.extensions };
  }
}

const KIND_BY_STATUS = new Map<number, ProblemKind>(
  (Object.keys(ProblemTypes) as ProblemKind[])
    .filter((kind) => kind !== 'malformed')
    .map((kind) => [ProblemTypes[kind].status as number, kind]),
);

/** Any error to a problem document; unknown errors become a 500 that reveals nothing. */
export function toProblem(error: unknown): ProblemDocument {
  if (error instanceof ProblemException) return error.toProblem();
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const kind = KIND_BY_STATUS.get(status);
    const response = error.getResponse();
    const detail =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? (response as { message: string[] }).message.join('; ')
          : String((response as { message?: unknown }).message ?? error.message);
    if (kind) return { type: problemTypeUri(kind), title: ProblemTypes[kind].title, status, detail };
    return { type: 'about:blank', title: HttpStatus[status] ?? 'Error', status, detail };
  }
  if (isTransientOverload(error)) {
    const { status, title } = ProblemTypes.unavailable;
    return { type: problemTypeUri('unavailable'), title, status, detail: 'The service is busy; retry shortly' };
  }
  const { status, title } = ProblemTypes.internal;
  return { type: problemTypeUri('internal'), title, status, detail: 'An unexpected error occurred' };
}

/** How long a client should wait before retrying a request refused because the service was busy. */
export const OVERLOAD_RETRY_AFTER_SECONDS = 1;

/**
 * A request that met a saturated database (no pooled connection within the pool's timeout, or a
 * busy SQLSTATE) is refused with 503 and Retry-After, not a 500: nothing was written, and the same
 * request succeeds once the load passes.
 */
export const isTransientOverload = isDatabaseBusy;
