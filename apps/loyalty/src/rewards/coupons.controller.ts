import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import type { CouponUseView } from '@rapport/contracts';
import { ProblemException } from '@rapport/platform-http';
import { CallerScopes } from '@rapport/platform-runtime';
import { LedgerRepository } from '../ledger/ledger.repository';

const COUPON_CODE = /^RP-[0-9A-F]{12}$/;

/** A till or web shop checks a coupon in: it works once, within its validity window. */
@Controller('internal/v1/coupons')
export class CouponsController {
  constructor(private readonly repository: LedgerRepository) {}

  @Post(':code/use')
  @HttpCode(200)
  @CallerScopes('loyalty:write')
  async use(@Param('code') code: string): Promise<CouponUseView> {
    if (!COUPON_CODE.test(code)) {
      const message = 'code must be a coupon code such as RP-3F9A0C1B2D4E';
      throw new ProblemException('validation', message, { errors: [{ field: 'code', message }] });
    }
    const result = await this.repository.useCoupon(code, new Date());
    switch (result.outcome) {
      case 'used':
        return { code, customerId: result.customerId, rewardId: result.rewardId, usedAt: result.usedAt.toISOString() };
      case 'unknown':
        throw new ProblemException('notFound', `Coupon ${code} does not exist`);
      case 'already-used':
        throw new ProblemException('conflict', `Coupon ${code} was already used at ${result.usedAt.toISOString()}`, { code: 'coupon-used' });
      case 'expired':
        throw new ProblemException('unprocessable', `Coupon ${code} expired at ${result.validUntil.toISOString()}`, { code: 'coupon-expired' });
    }
  }
}
