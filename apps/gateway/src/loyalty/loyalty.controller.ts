import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  AdjustmentRequest,
  AdjustmentView,
  CouponUseView,
  CreateRewardRequest,
  ExpiryRunRequest,
  ExpiryRunView,
  MemberView,
  ProgrammeView,
  ReconciliationView,
  RedemptionHoldView,
  RedemptionRequest,
  RedemptionStatusView,
  RedemptionView,
  ReferralCodeView,
  ReferralView,
  RegisterReferralRequest,
  RewardListQuery,
  RewardListView,
  RewardView,
  StatementQuery,
  StatementView,
  UpdateProgrammeRequest,
} from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { IDEMPOTENCY_HEADER_DOC } from '../idempotency/idempotency.docs';
import { ApiProblems } from '../openapi-problems';
import { answerId, ApiProxy, type AuditPolicy } from '../upstream/api-proxy';
import { queryString } from '../upstream/query-string';
import { MemberVisibilityGuard } from './member-visibility.guard';

/** The loyalty programme is one: its settings and runs are audited as resource `programme` / `loyalty`. */
const programmeChange = (action: string): AuditPolicy => ({
  action,
  resourceType: 'programme',
  change: true,
  resourceId: () => 'loyalty',
});

/**
 * Loyalty: member balances and statements, redemptions, adjustments, the rewards catalogue and the
 * ledger's admin checks. Member routes follow the customer's row-level rule (MemberVisibilityGuard).
 */
@ApiTags('loyalty')
@UseGuards(MemberVisibilityGuard)
@ApiExtraModels(RedemptionView, RedemptionHoldView)
@Controller('api/v1/loyalty')
export class LoyaltyController {
  constructor(private readonly proxy: ApiProxy) {}

  @Get('members/:customerId')
  @RequireScopes('loyalty:read')
  @ApiOperation({ summary: 'Balance, tier, points expiring soon and tier history of a member' })
  @ApiOkResponse({ type: MemberView })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async member(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'loyalty',
      method: 'GET',
      path: `/internal/v1/members/${customerId}`,
    });
  }

  @Get('members/:customerId/statement')
  @RequireScopes('loyalty:read')
  @ApiOperation({ summary: 'Ledger movements, newest first, with the running balance (keyset paged)' })
  @ApiOkResponse({ type: StatementView })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async statement(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Query() query: StatementQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'loyalty',
      method: 'GET',
      path: `/internal/v1/members/${customerId}/statement${queryString(query)}`,
    });
  }

  @Post('members/:customerId/redemptions')
  @HttpCode(201)
  @RequireScopes('loyalty:write')
  @ApiOperation({
    summary:
      'Spend points ({"points": n}) or redeem a reward ({"rewardId": …}); never overspends, never oversells. With "hold": true only reserve them (status reserved) until confirm, cancel or expiry',
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({
    description: 'Spent at once (status confirmed), or held (status reserved) when the request says "hold": true',
    schema: { oneOf: [{ $ref: getSchemaPath(RedemptionView) }, { $ref: getSchemaPath(RedemptionHoldView) }] },
  })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429, 502, 504)
  async redeem(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Body() body: RedemptionRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'loyalty',
      method: 'POST',
      path: `/internal/v1/members/${customerId}/redemptions`,
      body,
    });
  }

  @Get('members/:customerId/redemptions/:redemptionId')
  @RequireScopes('loyalty:read')
  @ApiOperation({ summary: 'Where a redemption stands: reserved, confirmed, cancelled or expired' })
  @ApiOkResponse({ type: RedemptionStatusView })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async redemption(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Param('redemptionId', new ParseUUIDPipe()) redemptionId: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'loyalty',
      method: 'GET',
      path: `/internal/v1/members/${customerId}/redemptions/${redemptionId}`,
    });
  }

  @Post('members/:customerId/redemptions/:redemptionId/confirm')
  @HttpCode(200)
  @RequireScopes('loyalty:write')
  @ApiOperation({
    summary:
      'Spend a held redemption (points.redeemed, and a coupon for a reward); 409 when it is no longer reserved, ran out or is no longer covered',
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiOkResponse({ type: RedemptionView })
  @ApiProblems(400, 401, 403, 404, 409, 429, 502, 504)
  async confirmRedemption(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Param('redemptionId', new ParseUUIDPipe()) redemptionId: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'loyalty',
      method: 'POST',
      path: `/internal/v1/members/${customerId}/redemptions/${redemptionId}/confirm`,
    });
  }

  @Post('members/:customerId/redemptions/:redemptionId/cancel')
  @HttpCode(200)
  @RequireScopes('loyalty:write')
  @ApiOperation({
    summary:
      'Release a held redemption: its points are available again, a reward goes back to stock; 409 when it is no longer reserved',
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiOkResponse({ type: RedemptionStatusView })
  @ApiProblems(400, 401, 403, 404, 409, 429, 502, 504)
  async cancelRedemption(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Param('redemptionId', new ParseUUIDPipe()) redemptionId: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'loyalty',
      method: 'POST',
      path: `/internal/v1/members/${customerId}/redemptions/${redemptionId}/cancel`,
    });
  }

  @Post('members/:customerId/adjustments')
  @HttpCode(201)
  @RequireScopes('loyalty:write', 'admin')
  @ApiOperation({ summary: 'Manual credit or debit with a reason (admins; audited)' })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: AdjustmentView })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429, 502, 504)
  async adjust(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Body() body: AdjustmentRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'loyalty',
      method: 'POST',
      path: `/internal/v1/members/${customerId}/adjustments`,
      body,
      audit: { action: 'loyalty.adjust', resourceType: 'customer', change: true, resourceId: () => customerId },
    });
  }

  @Get('members/:customerId/referral-code')
  @RequireScopes('loyalty:read')
  @ApiOperation({ summary: 'The member\u2019s referral code (issued on first ask)' })
  @ApiOkResponse({ type: ReferralCodeView })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async referralCode(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'loyalty',
      method: 'GET',
      path: `/internal/v1/members/${customerId}/referral-code`,
    });
  }

  @Post('members/:customerId/referral')
  @HttpCode(201)
  @RequireScopes('loyalty:write')
  @ApiOperation({
    summary:
      'Register who referred this (new) member; both are rewarded once on its first purchase of the programme minimum',
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: ReferralView })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429, 502, 504)
  async registerReferral(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Body() body: RegisterReferralRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'loyalty',
      method: 'POST',
      path: `/internal/v1/members/${customerId}/referral`,
      body,
    });
  }

  @Get('rewards')
  @RequireScopes('loyalty:read')
  @ApiOperation({ summary: 'The rewards catalogue (keyset paged)' })
  @ApiOkResponse({ type: RewardListView })
  @ApiProblems(400, 401, 403, 429, 502, 504)
  async rewards(@Query() query: RewardListQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'loyalty',
      method: 'GET',
      path: `/internal/v1/rewards${queryString(query)}`,
    });
  }

  @Post('rewards')
  @HttpCode(201)
  @RequireScopes('admin')
  @ApiOperation({ summary: 'Add a reward to the catalogue (admins)' })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: RewardView })
  @ApiProblems(400, 401, 403, 422, 429, 502, 504)
  async createReward(
    @Body() body: CreateRewardRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'loyalty',
      method: 'POST',
      path: '/internal/v1/rewards',
      body,
      audit: {
        action: 'loyalty.reward.create',
        resourceType: 'reward',
        change: true,
        resourceId: answerId,
      },
    });
  }

  @Post('coupons/:code/use')
  @HttpCode(200)
  @RequireScopes('loyalty:write')
  @ApiOperation({ summary: 'Check a reward coupon in: it works once, within its validity window' })
  @ApiOkResponse({ type: CouponUseView })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429, 502, 504)
  async useCoupon(@Param('code') code: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'loyalty',
      method: 'POST',
      path: `/internal/v1/coupons/${encodeURIComponent(code)}/use`,
      audit: {
        action: 'loyalty.coupon.use',
        resourceType: 'coupon',
        change: true,
        resourceId: () => code,
        subjects: (r) => [(r.body as { customerId?: unknown } | undefined)?.customerId],
      },
    });
  }

  @Get('programme')
  @RequireScopes('loyalty:read')
  @ApiOperation({ summary: 'The programme: earn rules, point validity, tiers' })
  @ApiOkResponse({ type: ProgrammeView })
  @ApiProblems(401, 403, 429, 502, 504)
  async programme(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, { upstream: 'loyalty', method: 'GET', path: '/internal/v1/programme' });
  }

  @Patch('programme')
  @RequireScopes('admin')
  @ApiOperation({
    summary:
      'Change the programme (admins): top-level config fields replace the current ones; send the version you read',
  })
  @ApiOkResponse({ type: ProgrammeView })
  @ApiProblems(400, 401, 403, 412, 429, 502, 504)
  async updateProgramme(
    @Body() body: UpdateProgrammeRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'loyalty',
      method: 'PATCH',
      path: '/internal/v1/programme',
      body,
      audit: programmeChange('loyalty.programme.update'),
    });
  }

  @Post('admin/expiry-runs')
  @HttpCode(200)
  @RequireScopes('admin')
  @ApiOperation({
    summary: 'Run point expiry and tier review now (the service also runs them on a schedule); safe to repeat',
  })
  @ApiOkResponse({ type: ExpiryRunView })
  @ApiProblems(400, 401, 403, 429, 502, 504)
  async expire(@Body() body: ExpiryRunRequest, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'loyalty',
      method: 'POST',
      path: '/internal/v1/admin/expiry-runs',
      body,
      audit: programmeChange('loyalty.expiry-run'),
    });
  }

  @Get('admin/reconciliation')
  @RequireScopes('admin')
  @ApiOperation({ summary: 'Proves entries balance and movements = balances = lots = liability' })
  @ApiOkResponse({ type: ReconciliationView })
  @ApiProblems(401, 403, 429, 502, 504)
  async reconciliation(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'loyalty',
      method: 'GET',
      path: '/internal/v1/admin/reconciliation',
    });
  }
}
