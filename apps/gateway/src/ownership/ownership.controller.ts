import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  AssignByRuleRequest,
  AssignOwnerRequest,
  ChangeLifecycleRequest,
  ClaimFromPoolRequest,
  JobResultView,
  LifecycleView,
  OwnershipHistoryView,
  OwnershipView,
  ReleaseToPoolRequest,
  TeamMembersRequest,
  TeamView,
} from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy, idList } from '../upstream/api-proxy';

/** Owners, the public pool (公海) and lifecycle stages. */
@ApiTags('ownership')
@Controller('api/v1')
export class OwnershipController {
  constructor(private readonly proxy: ApiProxy) {}

  @Post('customers/:id/owner')
  @HttpCode(200)
  @RequireScopes('customers:write')
  @ApiOkResponse({
    type: OwnershipView,
    description: 'Assigned (from the pool) or transferred, by a manager (own team) or an admin',
  })
  @ApiProblems(400, 401, 403, 404, 409, 429, 502, 504)
  async assign(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: AssignOwnerRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.write(request, response, id, 'owner', body, 'customer.assign-owner');
  }

  @Post('customers/:id/assign')
  @HttpCode(200)
  @RequireScopes('customers:write')
  @ApiOkResponse({
    type: OwnershipView,
    description:
      'Assigned by rule (round-robin: the next member of the team in turn, skipping members at the holding cap), by a manager (own team) or an admin',
  })
  @ApiProblems(400, 401, 403, 404, 422, 429, 502, 504)
  async assignByRule(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: AssignByRuleRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.write(request, response, id, 'assign', body, 'customer.assign-owner');
  }

  @Get('teams/:team')
  @RequireScopes('customers:read')
  @ApiOkResponse({ type: TeamView, description: 'The team’s members in round-robin order and whose turn is next' })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async team(@Param('team') team: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'GET',
      path: `/internal/v1/teams/${encodeURIComponent(team)}`,
    });
  }

  @Put('teams/:team/members')
  @RequireScopes('customers:write')
  @ApiOkResponse({
    type: TeamView,
    description:
      'The member list replaced (admins any team, a manager their own); a changed list starts its turns from the first member',
  })
  @ApiProblems(400, 401, 403, 429, 502, 504)
  async replaceTeamMembers(
    @Param('team') team: string,
    @Body() body: TeamMembersRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'PUT',
      path: `/internal/v1/teams/${encodeURIComponent(team)}/members`,
      body,
      audit: { action: 'team.members.replace', resourceType: 'team', change: true, resourceId: () => team },
    });
  }

  @Post('customers/:id/release')
  @HttpCode(200)
  @RequireScopes('customers:write')
  @ApiOkResponse({ type: OwnershipView, description: 'Released to the public pool by its owner' })
  @ApiProblems(400, 401, 403, 404, 409, 429, 502, 504)
  async release(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReleaseToPoolRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.write(request, response, id, 'release', body, 'customer.release');
  }

  @Post('customers/:id/claim')
  @HttpCode(200)
  @RequireScopes('customers:write')
  @ApiOkResponse({ type: OwnershipView, description: 'Claimed from the public pool, within the holding cap' })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429, 502, 504)
  async claim(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ClaimFromPoolRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.write(request, response, id, 'claim', body, 'customer.claim');
  }

  @Get('customers/:id/ownership-history')
  @RequireScopes('customers:read')
  @ApiOkResponse({
    type: OwnershipHistoryView,
    description: 'Every assignment, transfer, claim, release and recycle, oldest first',
  })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async history(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'GET',
      path: `/internal/v1/customers/${id}/ownership-history`,
    });
  }

  @Post('ownership/recycle-runs')
  @HttpCode(200)
  @RequireScopes('admin')
  @ApiOkResponse({
    type: JobResultView,
    description: 'Customers without contact for POOL_RECYCLE_DAYS returned to the pool (safe to run twice)',
  })
  @ApiProblems(401, 403, 429, 502, 504)
  async recycle(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'POST',
      path: '/internal/v1/ownership/recycle-runs',
      body: {},
      // The customers returned to the pool are its subjects; the answer holds their ids only.
      audit: {
        action: 'ownership.recycle-run',
        resourceType: 'customer',
        change: true,
        personalData: false,
        subjects: idList('customerIds'),
      },
    });
  }

  @Post('customers/:id/lifecycle')
  @HttpCode(200)
  @RequireScopes('customers:write')
  @ApiOkResponse({ type: LifecycleView, description: 'The stage was set by hand' })
  @ApiProblems(400, 401, 403, 404, 409, 429, 502, 504)
  async changeStage(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ChangeLifecycleRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.write(request, response, id, 'lifecycle', body, 'customer.lifecycle');
  }

  @Get('customers/:id/lifecycle')
  @RequireScopes('customers:read')
  @ApiOkResponse({ type: LifecycleView, description: 'The current stage and its history' })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async lifecycle(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'GET',
      path: `/internal/v1/customers/${id}/lifecycle`,
    });
  }

  @Post('lifecycle/churn-runs')
  @HttpCode(200)
  @RequireScopes('admin')
  @ApiOkResponse({
    type: JobResultView,
    description: 'Customers without a purchase for LIFECYCLE_CHURN_DAYS moved to churned (safe to run twice)',
  })
  @ApiProblems(401, 403, 429, 502, 504)
  async churn(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'POST',
      path: '/internal/v1/lifecycle/churn-runs',
      body: {},
      audit: {
        action: 'lifecycle.churn-run',
        resourceType: 'customer',
        change: true,
        personalData: false,
        subjects: idList('customerIds'),
      },
    });
  }

  private async write(
    request: Request,
    response: Response,
    id: string,
    action: string,
    body: object,
    audit: string,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'POST',
      path: `/internal/v1/customers/${id}/${action}`,
      body,
      audit: { action: audit, resourceType: 'customer', change: true, resourceId: () => id },
    });
  }
}
