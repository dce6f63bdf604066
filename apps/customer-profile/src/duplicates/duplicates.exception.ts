import { assertUnreachable } from '@rapport/platform-http';
import type { FieldError } from '@rapport/platform-http';
import { ProblemException } from '@rapport/platform-http';

/** What can go wrong with the listing of likely duplicates; the code travels in the problem+json as `code`. */
export enum DuplicateErrorCode {
  BadCursor = 'bad-cursor',
}

/** The feature's one exception: its code decides the problem kind, in one exhaustive mapper. */
export class DuplicateException extends ProblemException {
  constructor(
    readonly code: DuplicateErrorCode,
    detail: string,
    errors?: FieldError[],
  ) {
    super(kindOf(code), detail, { code, ...(errors ? { errors } : {}) });
  }
}

function kindOf(code: DuplicateErrorCode) {
  switch (code) {
    case DuplicateErrorCode.BadCursor:
      return 'validation' as const;
    default:
      return assertUnreachable(code);
  }
}
