import { assertUnreachable } from '@rapport/platform-http';
import type { FieldError } from '@rapport/platform-http';
import { ProblemException } from '@rapport/platform-http';

/** Errors of the reward catalogue and of using the coupons its rewards hand out. */
export enum RewardErrorCode {
  InvalidReward = 'invalid-reward',
  UnknownTier = 'unknown-tier',
  InvalidCouponCode = 'invalid-coupon-code',
  CouponNotFound = 'coupon-not-found',
  CouponUsed = 'coupon-used',
  CouponExpired = 'coupon-expired',
}

/** One mapper from the rewards' error codes to problem+json, exhaustive over the enum. */
export class RewardException extends ProblemException {
  constructor(
    readonly code: RewardErrorCode,
    detail: string,
    errors?: FieldError[],
  ) {
    super(kindOf(code), detail, { code, ...(errors ? { errors } : {}) });
  }
}

function kindOf(code: RewardErrorCode) {
  switch (code) {
    case RewardErrorCode.InvalidReward:
    case RewardErrorCode.InvalidCouponCode:
      return 'validation' as const;
    case RewardErrorCode.CouponNotFound:
      return 'notFound' as const;
    case RewardErrorCode.CouponUsed:
      return 'conflict' as const;
    case RewardErrorCode.UnknownTier:
    case RewardErrorCode.CouponExpired:
      return 'unprocessable' as const;
    default:
      return assertUnreachable(code);
  }
}
