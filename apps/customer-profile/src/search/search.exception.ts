import { assertUnreachable } from '@rapport/platform-http';
import type { FieldError } from '@rapport/platform-http';
import { ProblemException } from '@rapport/platform-http';

/** What can go wrong with a customer search; the code travels in the problem+json as `code`. */
export enum SearchErrorCode {
  BadCursor = 'bad-cursor',
}

/** The feature's one exception: its code decides the problem kind, in one exhaustive mapper. */
export class SearchException extends ProblemException {
  constructor(
    readonly code: SearchErrorCode,
    detail: string,
    errors?: FieldError[],
  ) {
    super(kindOf(code), detail, { code, ...(errors ? { errors } : {}) });
  }
}

function kindOf(code: SearchErrorCode) {
  switch (code) {
    case SearchErrorCode.BadCursor:
      return 'validation' as const;
    default:
      return assertUnreachable(code);
  }
}
