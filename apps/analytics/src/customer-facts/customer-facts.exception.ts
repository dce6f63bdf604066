import { assertUnreachable, ProblemException } from '@rapport/platform-http';

export enum CustomerFactsErrorCode {
  CustomerUnknown = 'customer-unknown',
}

/** One mapper from the feature's error codes to problem+json, exhaustive over the enum. */
export class CustomerFactsException extends ProblemException {
  constructor(
    readonly code: CustomerFactsErrorCode,
    detail: string,
  ) {
    super(kindOf(code), detail, { code });
  }
}

function kindOf(code: CustomerFactsErrorCode) {
  switch (code) {
    case CustomerFactsErrorCode.CustomerUnknown:
      return 'notFound' as const;
    default:
      return assertUnreachable(code);
  }
}
