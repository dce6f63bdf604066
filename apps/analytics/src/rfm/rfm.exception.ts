import { assertUnreachable, ProblemException } from '@rapport/platform-http';

export enum RfmErrorCode {
  CustomerNotScored = 'customer-not-scored',
}

/** One mapper from the feature's error codes to problem+json, exhaustive over the enum. */
export class RfmException extends ProblemException {
  constructor(
    readonly code: RfmErrorCode,
    detail: string,
  ) {
    super(kindOf(code), detail, { code });
  }
}

function kindOf(code: RfmErrorCode) {
  switch (code) {
    case RfmErrorCode.CustomerNotScored:
      return 'notFound' as const;
    default:
      return assertUnreachable(code);
  }
}
