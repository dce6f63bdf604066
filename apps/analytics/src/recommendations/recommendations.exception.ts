import { assertUnreachable, ProblemException } from '@rapport/platform-http';

export enum RecommendationsErrorCode {
  CustomerNotFound = 'customer-not-found',
  ModelNotBuilt = 'model-not-built',
  NoBuild = 'no-build',
  BuildInProgress = 'build-in-progress',
}

/** One mapper from the feature's error codes to problem+json, exhaustive over the enum. */
export class RecommendationsException extends ProblemException {
  constructor(
    readonly code: RecommendationsErrorCode,
    detail: string,
  ) {
    super(kindOf(code), detail, { code });
  }
}

function kindOf(code: RecommendationsErrorCode) {
  switch (code) {
    case RecommendationsErrorCode.CustomerNotFound:
    case RecommendationsErrorCode.NoBuild:
      return 'notFound' as const;
    case RecommendationsErrorCode.ModelNotBuilt:
    case RecommendationsErrorCode.BuildInProgress:
      return 'conflict' as const;
    default:
      return assertUnreachable(code);
  }
}
