import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import type { CouponUseView } from '@rapport/contracts';
import { CallerScopes } from '@rapport/platform-runtime';
import { CouponsService } from './coupons.service';

/** A till or web shop checks a coupon in: it works once, within its validity window. */
@Controller('internal/v1/coupons')
export class CouponsController {
  constructor(private readonly coupons: CouponsService) {}

  @Post(':code/use')
  @HttpCode(200)
  @CallerScopes('loyalty:write')
  async use(@Param('code') code: string): Promise<CouponUseView> {
    return this.coupons.use(code);
  }
}
