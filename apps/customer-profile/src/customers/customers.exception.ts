import { assertUnreachable } from '@rapport/platform-http';
import type { FieldError } from '@rapport/platform-http';
import { ProblemException } from '@rapport/platform-http';

/** What can go wrong with a customer record; the code travels in the problem+json as `code`. */
export enum CustomerErrorCode {
  NotFound = 'customer-not-found',
  Invalid = 'invalid-customer',
  IdentifierTaken = 'identifier-taken',
  StaleVersion = 'stale-version',
  BadCursor = 'bad-cursor',
  LikelyDuplicate = 'likely-duplicate',
  AlreadyMerged = 'already-merged',
  InvalidMergeSource = 'invalid-merge-source',
}

/** The feature's one exception: its code decides the problem kind, in one exhaustive mapper. */
export class CustomerException extends ProblemException {
  constructor(
    readonly code: CustomerErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(kindOf(code), detail, { code, ...extensions });
  }
}

function kindOf(code: CustomerErrorCode) {
  switch (code) {
    case CustomerErrorCode.NotFound:
      return 'notFound' as const;
    case CustomerErrorCode.Invalid:
    case CustomerErrorCode.BadCursor:
      return 'validation' as const;
    case CustomerErrorCode.IdentifierTaken:
    case CustomerErrorCode.LikelyDuplicate:
    case CustomerErrorCode.AlreadyMerged:
      return 'conflict' as const;
    case CustomerErrorCode.StaleVersion:
      return 'preconditionFailed' as const;
    case CustomerErrorCode.InvalidMergeSource:
      return 'unprocessable' as const;
    default:
      return assertUnreachable(code);
  }
}

// Named constructors of the common cases, so that call sites read as what happened.

export class CustomerNotFoundException extends CustomerException {
  constructor(id: string) {
    super(CustomerErrorCode.NotFound, `Customer ${id} was not found`);
  }
}

export class InvalidCustomerException extends CustomerException {
  constructor(errors: FieldError[]) {
    super(CustomerErrorCode.Invalid, errors.map((e) => e.message).join('; '), { errors });
  }
}

export class IdentifierTakenException extends CustomerException {
  constructor(taken: readonly { type: string; value: string }[]) {
    super(
      CustomerErrorCode.IdentifierTaken,
      `identifiers: ${taken.map((t) => t.type).join(', ')} already belong to another customer`,
      {
        errors: taken.map((t) => ({
          field: 'identifiers',
          message: `identifier ${t.type} is already held by another customer`,
        })),
      },
    );
  }
}

export class StaleVersionException extends CustomerException {
  constructor(id: string, expected: number, current: number) {
    super(
      CustomerErrorCode.StaleVersion,
      `Customer ${id} is at version ${current}, not ${expected}: read it again and reapply the change`,
      {
        currentVersion: current,
      },
    );
  }
}

export class BadCursorException extends CustomerException {
  constructor() {
    super(CustomerErrorCode.BadCursor, 'cursor is not a cursor of this listing', {
      errors: [{ field: 'cursor', message: 'cursor is not valid for this sort' }],
    });
  }
}

export class LikelyDuplicateException extends CustomerException {
  constructor(candidates: readonly { id: string; matchedOn: string[]; score: number }[]) {
    const fields = [...new Set(candidates.flatMap((c) => c.matchedOn).filter((m) => m !== 'name'))];
    super(
      CustomerErrorCode.LikelyDuplicate,
      `Likely a duplicate of ${candidates.map((c) => c.id).join(', ')}; repeat with ?force=true to create it anyway`,
      {
        candidates,
        errors: fields.map((field) => ({
          field: field === 'identifier' ? 'identifiers' : field,
          message: `${field} matches an existing customer`,
        })),
      },
    );
  }
}

export class AlreadyMergedException extends CustomerException {
  constructor(sourceId: string, survivorId: string) {
    super(CustomerErrorCode.AlreadyMerged, `Customer ${sourceId} was already merged into ${survivorId}`, {
      errors: [{ field: 'sourceId', message: `sourceId was already merged into ${survivorId}` }],
    });
  }
}

/**
 * The body's `sourceId` cannot be merged into the survivor at the path: it is the survivor itself, or
 * no customer the caller can see. 422, not 404: the resource at the path exists; what the body refers
 * to is what cannot be used.
 */
export class InvalidMergeSourceException extends CustomerException {
  constructor(message: string) {
    super(CustomerErrorCode.InvalidMergeSource, `sourceId: ${message}`, { errors: [{ field: 'sourceId', message }] });
  }
}
