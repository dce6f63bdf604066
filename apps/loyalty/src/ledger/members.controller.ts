import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  AdjustmentRequest,
  StatementQuery,
  type AdjustmentView,
  type MemberView,
  type StatementView,
} from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import { LedgerService } from './ledger.service';

/**
 * Member accounts, statements and adjustments (redemptions and referrals have their own controllers
 * under the same path). Loyalty does not know who owns a customer (that lives in customer-profile):
 * the gateway applies the customer's row-level rule before it forwards a member route
 * (MemberVisibilityGuard); scopes are checked here.
 */
@Controller('internal/v1/members')
export class MembersController {
  constructor(private readonly ledger: LedgerService) {}

  @Get(':customerId')
  @CallerScopes('loyalty:read')
  async get(@Param('customerId', new ParseUUIDPipe()) customerId: string): Promise<MemberView> {
    return this.ledger.member(customerId);
  }

  @Get(':customerId/statement')
  @CallerScopes('loyalty:read')
  async statement(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Query() query: StatementQuery,
  ): Promise<StatementView> {
    return this.ledger.statement(customerId, query);
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
}
