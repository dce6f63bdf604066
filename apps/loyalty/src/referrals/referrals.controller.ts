import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { RegisterReferralRequest, type ReferralCodeView, type ReferralView } from '@rapport/contracts';
import { CallerScopes } from '@rapport/platform-runtime';
import { ReferralsService } from './referrals.service';

/** Member routes: the gateway applies the customer's row-level rule before it forwards them (see MembersController). */
@Controller('internal/v1/members')
export class ReferralsController {
  constructor(private readonly referrals: ReferralsService) {}

  @Get(':customerId/referral-code')
  @CallerScopes('loyalty:read')
  async code(@Param('customerId', new ParseUUIDPipe()) customerId: string): Promise<ReferralCodeView> {
    return this.referrals.code(customerId);
  }

  @Post(':customerId/referral')
  @HttpCode(201)
  @CallerScopes('loyalty:write')
  async register(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Body() body: RegisterReferralRequest,
  ): Promise<ReferralView> {
    return this.referrals.register(customerId, body.code);
  }
}
