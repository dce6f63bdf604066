import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  RedemptionRequest,
  type RedemptionHoldView,
  type RedemptionStatusView,
  type RedemptionView,
} from '@rapport/contracts';
import { CallerScopes } from '@rapport/platform-runtime';
import { RedemptionsService } from './redemptions.service';

/** Member routes: the gateway applies the customer's row-level rule before it forwards them (see MembersController). */
@Controller('internal/v1/members')
export class RedemptionsController {
  constructor(private readonly redemptions: RedemptionsService) {}

  @Post(':customerId/redemptions')
  @HttpCode(201)
  @CallerScopes('loyalty:write')
  async redeem(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Body() body: RedemptionRequest,
  ): Promise<RedemptionView | RedemptionHoldView> {
    return this.redemptions.redeem(customerId, body);
  }

  @Get(':customerId/redemptions/:redemptionId')
  @CallerScopes('loyalty:read')
  async get(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Param('redemptionId', new ParseUUIDPipe()) redemptionId: string,
  ): Promise<RedemptionStatusView> {
    return this.redemptions.get(customerId, redemptionId);
  }

  @Post(':customerId/redemptions/:redemptionId/confirm')
  @HttpCode(200)
  @CallerScopes('loyalty:write')
  async confirm(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Param('redemptionId', new ParseUUIDPipe()) redemptionId: string,
  ): Promise<RedemptionView> {
    return this.redemptions.confirm(customerId, redemptionId);
  }

  @Post(':customerId/redemptions/:redemptionId/cancel')
  @HttpCode(200)
  @CallerScopes('loyalty:write')
  async cancel(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Param('redemptionId', new ParseUUIDPipe()) redemptionId: string,
  ): Promise<RedemptionStatusView> {
    return this.redemptions.cancel(customerId, redemptionId);
  }
}
