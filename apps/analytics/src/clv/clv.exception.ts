import { assertUnreachable, ProblemException } from '@rapport/platform-http';

export enum ClvErrorCode {
  NoModel = 'clv-no-model',
  FitNotFound = 'clv-fit-not-found',
  NotEnoughData = 'clv-not-enough-data',
  FitNotConverged = 'clv-fit-not-converged',
  HoldoutNotAfterCalibration = 'clv-holdout-not-after-calibration',
  HoldoutNotOver = 'clv-holdout-not-over',
}

/** One mapper from the feature's error codes to problem+json, exhaustive over the enum. */
export class ClvException extends ProblemException {
  constructor(
    readonly code: ClvErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(kindOf(code), detail, { code, ...extensions });
  }
}

function kindOf(code: ClvErrorCode) {
  switch (code) {
    case ClvErrorCode.NoModel:
    case ClvErrorCode.FitNotFound:
      return 'notFound' as const;
    case ClvErrorCode.NotEnoughData:
    case ClvErrorCode.FitNotConverged:
    case ClvErrorCode.HoldoutNotAfterCalibration:
    case ClvErrorCode.HoldoutNotOver:
      return 'unprocessable' as const;
    default:
      return assertUnreachable(code);
  }
}
