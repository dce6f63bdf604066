import { ProblemException } from '@rapport/platform-http';

/** Errors of the two-step redemption (hold, then confirm or cancel). */
export enum RedemptionErrorCode {
  RedemptionNotFound = 'redemption-not-found',
  NotReserved = 'redemption-not-reserved',
  HoldExpired = 'hold-expired',
  HoldNotCovered = 'hold-not-covered',
}

/** One mapper from the codes to problem+json, exhaustive over the enum; `redemptionStatus` tells where the redemption stands. */
export class RedemptionException extends ProblemException {
  constructor(
    readonly code: RedemptionErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(kindOf(code), detail, { code, ...extensions });
  }
}

function kindOf(code: RedemptionErrorCode) {
  switch (code) {
    case RedemptionErrorCode.RedemptionNotFound:
      return 'notFound' as const;
    case RedemptionErrorCode.NotReserved:
    case RedemptionErrorCode.HoldExpired:
    case RedemptionErrorCode.HoldNotCovered:
      return 'conflict' as const;
    default:
      return assertUnreachable(code);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled redemption error code ${String(value)}`);
}
