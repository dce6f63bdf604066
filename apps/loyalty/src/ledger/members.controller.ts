import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  AdjustmentRequest,
  RedemptionRequest,
  RegisterReferralRequest,
  StatementQuery,
  type ReferralCodeView,
  type ReferralView,
  type AdjustmentView,
  type MemberView,
  type RedemptionHoldView,
  type RedemptionStatusView,
  type RedemptionView,
  type StatementView,
} from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import { LedgerErrorCode, LedgerException } from './ledger.exception';
import { LedgerRepository, type RedemptionRow } from './ledger.repository';
import { availablePoints } from './redemption-hold';
import { RedemptionErrorCode, RedemptionException } from './redemption.exception';
import { LedgerService } from './ledger.service';

/**
 * Member accounts, statements, redemptions and adjustments. Loyalty does not know who owns a
 * customer (that lives in customer-profile): the gateway applies the customer's row-level rule
 * before it forwards a member route (MemberVisibilityGuard); scopes are checked here.
 */
@Controller('internal/v1/members')
export class MembersController {
  constructor(
    private readonly repository: LedgerRepository,
    private readonly ledger: LedgerService,
  ) {}

  @Get(':customerId')
  @CallerScopes('loyalty:read')
  async get(@Param('customerId', new ParseUUIDPipe()) customerId: string): Promise<MemberView> {
    const { config } = await this.repository.programme();
    const soon = new Date(Date.now() + config.expiringSoonDays * 86_400_000);
    const member = await this.repository.member(customerId, soon);
    if (!member) throw notFound(customerId);
    const history = await this.repository.tierHistory(customerId);
    return {
      customerId: member.customerId,
      kind: member.kind,
      balance: member.balance,
      available: availablePoints(member.balance, member.held),
      held: member.held,
      tier: member.tier,
      tierPeriodEndsAt: member.tierPeriodEndsAt?.toISOString() ?? null,
      expiringSoon: { points: member.expiringSoon, withinDays: config.expiringSoonDays, nextExpiry: member.nextExpiry?.toISOString() ?? null },
      tierHistory: history.map((h) => ({ from: h.from, to: h.to, reason: h.reason, changedAt: h.changedAt.toISOString() })),
      erased: member.erased,
      createdAt: member.createdAt.toISOString(),
    };
  }

  @Get(':customerId/statement')
  @CallerScopes('loyalty:read')
  async statement(@Param('customerId', new ParseUUIDPipe()) customerId: string, @Query() query: StatementQuery): Promise<StatementView> {
    const member = await this.repository.member(customerId, new Date());
    if (!member) throw notFound(customerId);
    const limit = query.limit ?? 50;
    const rows = await this.repository.statement(customerId, limit + 1, query.before);
    const page = rows.slice(0, limit);
    return {
      customerId,
      balance: member.balance,
      items: page.map((r) => ({
        movementId: r.id,
        kind: r.kind,
        points: r.points,
        balanceAfter: r.balanceAfter,
        shortfall: r.shortfall,
        reason: r.reason,
        sourceId: r.sourceId,
        createdAt: r.createdAt.toISOString(),
      })),
      nextCursor: rows.length > limit ? page[page.length - 1]!.seq : null,
    };
  }

  @Post(':customerId/redemptions')
  @HttpCode(201)
  @CallerScopes('loyalty:write')
  async redeem(@Param('customerId', new ParseUUIDPipe()) customerId: string, @Body() body: RedemptionRequest): Promise<RedemptionView | RedemptionHoldView> {
    return this.ledger.redeem(customerId, body);
  }

  @Get(':customerId/redemptions/:redemptionId')
  @CallerScopes('loyalty:read')
  async redemption(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Param('redemptionId', new ParseUUIDPipe()) redemptionId: string,
  ): Promise<RedemptionStatusView> {
    const redemption = await this.repository.redemption(customerId, redemptionId);
    if (!redemption) throw new RedemptionException(RedemptionErrorCode.RedemptionNotFound, `Customer ${customerId} has no redemption ${redemptionId}`);
    return toStatusView(redemption);
  }

  @Post(':customerId/redemptions/:redemptionId/confirm')
  @HttpCode(200)
  @CallerScopes('loyalty:write')
  async confirm(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Param('redemptionId', new ParseUUIDPipe()) redemptionId: string,
  ): Promise<RedemptionView> {
    return this.ledger.confirmRedemption(customerId, redemptionId);
  }

  @Post(':customerId/redemptions/:redemptionId/cancel')
  @HttpCode(200)
  @CallerScopes('loyalty:write')
  async cancel(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Param('redemptionId', new ParseUUIDPipe()) redemptionId: string,
  ): Promise<RedemptionStatusView> {
    return toStatusView(await this.ledger.cancelRedemption(customerId, redemptionId));
  }

  @Post(':customerId/adjustments')
  @HttpCode(201)
  @CallerScopes('loyalty:write', 'admin')
  async adjust(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Body() body: AdjustmentRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<AdjustmentView> {
    return this.ledger.adjust(customerId, body.points, body.reason, caller.sub);
  }

  @Get(':customerId/referral-code')
  @CallerScopes('loyalty:read')
  async referralCode(@Param('customerId', new ParseUUIDPipe()) customerId: string): Promise<ReferralCodeView> {
    return this.ledger.referralCode(customerId);
  }

  @Post(':customerId/referral')
  @HttpCode(201)
  @CallerScopes('loyalty:write')
  async registerReferral(@Param('customerId', new ParseUUIDPipe()) customerId: string, @Body() body: RegisterReferralRequest): Promise<ReferralView> {
    return this.ledger.registerReferral(customerId, body.code);
  }
}

function toStatusView(r: RedemptionRow): RedemptionStatusView {
  return {
    redemptionId: r.id,
    customerId: r.customerId,
    status: r.status,
    points: r.points,
    rewardId: r.rewardId,
    movementId: r.movementId,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    couponCode: r.couponCode,
    couponValidUntil: r.couponValidUntil?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    confirmedAt: r.confirmedAt?.toISOString() ?? null,
    releasedAt: r.releasedAt?.toISOString() ?? null,
  };
}

function notFound(customerId: string): LedgerException {
  return new LedgerException(LedgerErrorCode.MemberNotFound, `Customer ${customerId} is not known to loyalty`);
}
