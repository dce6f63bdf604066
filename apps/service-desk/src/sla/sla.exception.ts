import { assertUnreachable, ProblemException } from '@rapport/platform-http';

/** What can stop an SLA request; the code travels in the problem+json as `code`. */
export enum SlaErrorCode {
  InvalidPolicy = 'invalid-sla-policy',
  CalendarUnknown = 'calendar-unknown',
  StaleVersion = 'stale-version',
}

/** The feature's one exception: its code decides the problem kind, in one exhaustive mapper. */
export class SlaException extends ProblemException {
  constructor(
    readonly code: SlaErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(kindOf(code), detail, { code, ...extensions });
  }

  static onField(code: SlaErrorCode, detail: string, field: string): SlaException {
    return new SlaException(code, detail, { errors: [{ field, message: detail }] });
  }
}

function kindOf(code: SlaErrorCode) {
  switch (code) {
    // Well-formed policies the rules across fields or the stored calendars refuse (the document cannot say): 422.
    case SlaErrorCode.InvalidPolicy:
    case SlaErrorCode.CalendarUnknown:
      return 'unprocessable' as const;
    case SlaErrorCode.StaleVersion:
      return 'preconditionFailed' as const;
    default:
      return assertUnreachable(code);
  }
}
