import { Injectable } from '@nestjs/common';
import type { CouponUseView } from '@rapport/contracts';
import { CouponsRepository } from './coupons.repository';
import { RewardErrorCode, RewardException } from './rewards.exception';

const COUPON_CODE = /^RP-[0-9A-F]{12}$/;

/** The code's shape is checked before the database is asked; each outcome of a use is its own problem. */
@Injectable()
export class CouponsService {
  constructor(private readonly coupons: CouponsRepository) {}

  async use(code: string): Promise<CouponUseView> {
    if (!COUPON_CODE.test(code)) {
      const message = 'code must be a coupon code such as RP-3F9A0C1B2D4E';
      throw new RewardException(RewardErrorCode.InvalidCouponCode, message, [{ field: 'code', message }]);
    }
    const result = await this.coupons.use(code, new Date());
    switch (result.outcome) {
      case 'used':
        return { code, customerId: result.customerId, rewardId: result.rewardId, usedAt: result.usedAt.toISOString() };
      case 'unknown':
        throw new RewardException(RewardErrorCode.CouponNotFound, `Coupon ${code} does not exist`);
      case 'already-used':
        throw new RewardException(
          RewardErrorCode.CouponUsed,
          `Coupon ${code} was already used at ${result.usedAt.toISOString()}`,
        );
      case 'expired':
        throw new RewardException(
          RewardErrorCode.CouponExpired,
          `Coupon ${code} expired at ${result.validUntil.toISOString()}`,
        );
    }
  }
}
