import { assertUnreachable, ProblemException } from '@rapport/platform-http';

/** What can stop a forecast request; the code travels in the problem+json as `code`. */
export enum ForecastsErrorCode {
  ForecastNotFound = 'forecast-not-found',
  HorizonTooLong = 'forecast-horizon-too-long',
  ToInFuture = 'forecast-to-in-future',
  HolidaysNeedWeeks = 'forecast-holidays-need-weeks',
  NoHistory = 'forecast-no-history',
}

export class ForecastsException extends ProblemException {
  constructor(
    readonly code: ForecastsErrorCode,
    detail: string,
  ) {
    super(kindOf(code), detail, { code });
  }
}

function kindOf(code: ForecastsErrorCode) {
  switch (code) {
    case ForecastsErrorCode.ForecastNotFound:
      return 'notFound' as const;
    // well-formed requests the OpenAPI document cannot rule out: 422
    case ForecastsErrorCode.HorizonTooLong:
    case ForecastsErrorCode.ToInFuture:
    case ForecastsErrorCode.HolidaysNeedWeeks:
    case ForecastsErrorCode.NoHistory:
      return 'unprocessable' as const;
    default:
      return assertUnreachable(code);
  }
}
