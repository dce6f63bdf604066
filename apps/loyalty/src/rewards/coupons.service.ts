import { Injectable } from '@nestjs/common';
import type { CouponUseView } from '@rapport/contracts';
import { ProblemException } from '@rapport/platform-http';
import { CouponsRepository } from './coupons.repository';

const COUPON_CODE = /^RP-[0-9A-F]{12}$/;

/** The code's shape is checked before the database is asked; each outcome of a use is its own problem. */
@Injectable()
export class CouponsService {
  constructor(private readonly coupons: CouponsRepository) {}

  async use(code: string): Promise<CouponUseView> {
    if (!COUPON_CODE.test(code)) {
      const message = 'code must be a coupon code such as RP-3F9A0C1B2D4E';
      throw new ProblemException('validation', message, { errors: [{ field: 'code', message }] });
    }
    const result = await this.coupons.use(code, new Date());
    switch (result.outcome) {
      case 'used':
        return { code, customerId: result.customerId, rewardId: result.rewardId, usedAt: result.usedAt.toISOString() };
      case 'unknown':
        throw new ProblemException('notFound', `Coupon ${code} does not exist`);
      case 'already-used':
        throw new ProblemException('conflict', `Coupon ${code} was already used at ${result.usedAt.toISOString()}`, {
          code: 'coupon-used',
        });
      case 'expired':
        throw new ProblemException('unprocessable', `Coupon ${code} expired at ${result.validUntil.toISOString()}`, {
          code: 'coupon-expired',
        });
    }
  }
}
