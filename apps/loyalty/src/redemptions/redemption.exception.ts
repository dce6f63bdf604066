import { assertUnreachable, ProblemException } from '@rapport/platform-http';

/** Errors of redeeming points or a reward, at once or in two steps (hold, then confirm or cancel). */
export enum RedemptionErrorCode {
  InvalidRedemption = 'invalid-redemption',
  RewardNotFound = 'reward-not-found',
  RewardOutOfStock = 'reward-out-of-stock',
  RewardNotAvailable = 'reward-not-available',
  TierTooLow = 'tier-too-low',
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

  /** An error that names the request field at fault (problem+json `errors`). */
  static onField(code: RedemptionErrorCode, detail: string, field: string): RedemptionException {
    return new RedemptionException(code, detail, { errors: [{ field, message: detail }] });
  }
}

function kindOf(code: RedemptionErrorCode) {
  switch (code) {
    case RedemptionErrorCode.InvalidRedemption:
      return 'validation' as const;
    case RedemptionErrorCode.RewardNotFound:
    case RedemptionErrorCode.RedemptionNotFound:
      return 'notFound' as const;
    case RedemptionErrorCode.RewardNotAvailable:
    case RedemptionErrorCode.TierTooLow:
      return 'unprocessable' as const;
    case RedemptionErrorCode.RewardOutOfStock:
    case RedemptionErrorCode.NotReserved:
    case RedemptionErrorCode.HoldExpired:
    case RedemptionErrorCode.HoldNotCovered:
      return 'conflict' as const;
    default:
      return assertUnreachable(code);
  }
}
