import { assertUnreachable, ProblemException } from '@rapport/platform-http';

/** What can go wrong with an erasure request; the code travels in the problem+json as `code`. */
export enum ErasureErrorCode {
  ErasureNotFound = 'erasure-not-found',
}

/** The feature's one exception: its code decides the problem kind, in one exhaustive mapper. */
export class ErasureException extends ProblemException {
  constructor(
    readonly code: ErasureErrorCode,
    detail: string,
  ) {
    super(kindOf(code), detail, { code });
  }
}

function kindOf(code: ErasureErrorCode) {
  switch (code) {
    case ErasureErrorCode.ErasureNotFound:
      return 'notFound' as const;
    default:
      return assertUnreachable(code);
  }
}
