import { assertUnreachable, ProblemException } from '@rapport/platform-http';

export enum CustomerRefsErrorCode {
  CustomerUnknown = 'customer-unknown',
}

/** One mapper from the feature's error codes to problem+json, exhaustive over the enum. */
export class CustomerRefsException extends ProblemException {
  constructor(
    readonly code: CustomerRefsErrorCode,
    detail: string,
  ) {
    super(kindOf(code), detail, { code });
  }
}

function kindOf(code: CustomerRefsErrorCode) {
  switch (code) {
    case CustomerRefsErrorCode.CustomerUnknown:
      return 'notFound' as const;
    default:
      return assertUnreachable(code);
  }
}
