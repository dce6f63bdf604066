import { assertUnreachable, ProblemException } from '@rapport/platform-http';

export enum ChurnErrorCode {
  HorizonNotOver = 'churn-horizon-not-over',
}

/** One mapper from the feature's error codes to problem+json, exhaustive over the enum. */
export class ChurnException extends ProblemException {
  constructor(
    readonly code: ChurnErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(kindOf(code), detail, { code, ...extensions });
  }
}

function kindOf(code: ChurnErrorCode) {
  switch (code) {
    case ChurnErrorCode.HorizonNotOver:
      return 'unprocessable' as const;
    default:
      return assertUnreachable(code);
  }
}
