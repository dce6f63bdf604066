import { assertUnreachable, ProblemException } from '@rapport/platform-http';

/** What can stop an interaction request; the code travels in the problem+json as `code`. */
export enum InteractionsErrorCode {
  CustomerUnknown = 'customer-unknown',
  OccurredInFuture = 'occurred-in-future',
  OccurredTooEarly = 'occurred-too-early',
  FollowUpNotOfCustomer = 'follow-up-not-of-customer',
  InvalidCursor = 'invalid-cursor',
  InvalidRange = 'invalid-range',
}

/** The feature's one exception: its code decides the problem kind, in one exhaustive mapper. */
export class InteractionsException extends ProblemException {
  constructor(
    readonly code: InteractionsErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(kindOf(code), detail, { code, ...extensions });
  }

  /** An error that names the request field at fault (problem+json `errors`). */
  static onField(code: InteractionsErrorCode, detail: string, field: string): InteractionsException {
    return new InteractionsException(code, detail, { errors: [{ field, message: detail }] });
  }
}

function kindOf(code: InteractionsErrorCode) {
  switch (code) {
    // Well-formed requests that cannot be carried out (the document cannot state these rules): 422.
    case InteractionsErrorCode.CustomerUnknown:
    case InteractionsErrorCode.OccurredInFuture:
    case InteractionsErrorCode.OccurredTooEarly:
    case InteractionsErrorCode.FollowUpNotOfCustomer:
    case InteractionsErrorCode.InvalidRange:
      return 'unprocessable' as const;
    case InteractionsErrorCode.InvalidCursor:
      return 'validation' as const;
    default:
      return assertUnreachable(code);
  }
}
