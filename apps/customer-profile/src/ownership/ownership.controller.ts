import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  AssignByRuleRequest,
  AssignOwnerRequest,
  ClaimFromPoolRequest,
  ReleaseToPoolRequest,
  type JobResultView,
  type OwnershipChangeView,
  type OwnershipHistoryView,
  type OwnershipView,
} from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { OwnershipRow } from './ownership.repository';
import { OwnershipService } from './ownership.service';

@Controller('internal/v1')
export class OwnershipController {
  constructor(private readonly ownership: OwnershipService) {}

  @Post('customers/:id/owner')
  @HttpCode(200)
  @CallerScopes('customers:write')
  async assign(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: AssignOwnerRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<OwnershipView> {
    return toView(id, await this.ownership.assign(id, body, caller));
  }

  @Post('customers/:id/assign')
  @HttpCode(200)
  @CallerScopes('customers:write')
  async assignByRule(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: AssignByRuleRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<OwnershipView> {
    return toView(id, await this.ownership.assignByRule(id, body, caller));
  }

  @Post('customers/:id/release')
  @HttpCode(200)
  @CallerScopes('customers:write')
  async release(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReleaseToPoolRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<OwnershipView> {
    return toView(id, await this.ownership.release(id, body.reason, caller));
  }

  @Post('customers/:id/claim')
  @HttpCode(200)
  @CallerScopes('customers:write')
  async claim(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ClaimFromPoolRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<OwnershipView> {
    return toView(id, await this.ownership.claim(id, body.reason, caller));
  }

  @Get('customers/:id/ownership-history')
  @CallerScopes('customers:read')
  async history(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Caller() caller: CallerIdentity,
  ): Promise<OwnershipHistoryView> {
    return { customerId: id, items: (await this.ownership.history(id, caller)).map(changeView) };
  }

  @Post('ownership/recycle-runs')
  @HttpCode(200)
  @CallerScopes('admin')
  async recycle(): Promise<JobResultView> {
    const ids = await this.ownership.recycleInactive();
    return { changed: ids.length, customerIds: ids };
  }
}

function changeView(row: OwnershipRow): OwnershipChangeView {
  return {
    change: row.change,
    ownerId: row.owner_id,
    team: row.team,
    previousOwnerId: row.previous_owner_id,
    reason: row.reason,
    changedBy: row.changed_by,
    changedAt: new Date(row.changed_at).toISOString(),
  };
}

function toView(customerId: string, row: OwnershipRow): OwnershipView {
  return { customerId, ownerId: row.owner_id, team: row.team, lastChange: changeView(row) };
}
