import { assertUnreachable, ProblemException } from '@rapport/platform-http';

/** What can stop a cadence request; the code travels in the problem+json as `code`. */
export enum CadencesErrorCode {
  CadenceNotFound = 'cadence-not-found',
  NameTaken = 'cadence-name-taken',
  AlreadyEnrolled = 'already-enrolled',
  CustomerUnknown = 'customer-unknown',
}

/** The feature's one exception: its code decides the problem kind, in one exhaustive mapper. */
export class CadencesException extends ProblemException {
  constructor(
    readonly code: CadencesErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(kindOf(code), detail, { code, ...extensions });
  }
}

function kindOf(code: CadencesErrorCode) {
  switch (code) {
    case CadencesErrorCode.CadenceNotFound:
      return 'notFound' as const;
    case CadencesErrorCode.NameTaken:
    case CadencesErrorCode.AlreadyEnrolled:
      return 'conflict' as const;
    case CadencesErrorCode.CustomerUnknown:
      return 'unprocessable' as const;
    default:
      return assertUnreachable(code);
  }
}
