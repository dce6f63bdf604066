import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CustomerCountView, CustomerScoresView, RebuildView } from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy } from '../upstream/api-proxy';

@ApiTags('analytics')
@Controller('api/v1/analytics')
export class AnalyticsController {
  constructor(private readonly proxy: ApiProxy) {}

  @Get('customers/count')
  @RequireScopes('analytics:read')
  @ApiOkResponse({ type: CustomerCountView, description: 'How many customers analytics has learned of' })
  @ApiProblems(401, 403, 429, 502, 504)
  async customerCount(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'analytics',
      method: 'GET',
      path: '/internal/v1/customers/count',
    });
  }

  @Get('customers/:customerId')
  @RequireScopes('analytics:read')
  @ApiOkResponse({
    type: CustomerScoresView,
    description:
      'The customer’s RFM scores (1–5 by quintile) and value tier (A/B/C by a Pareto cut on value), with the inputs, cut points and run they were computed from',
  })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async customerScores(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'analytics',
      method: 'GET',
      path: `/internal/v1/scores/${customerId}`,
    });
  }

  @Post('rebuilds')
  @HttpCode(202)
  @RequireScopes('analytics:write')
  @ApiOperation({
    summary:
      'Rebuild every analytics read model from the topics: the replicas stop consuming, the read models and the inbox are emptied, the consumer group starts again from the earliest events; one rebuild at a time (409)',
  })
  @ApiAcceptedResponse({
    type: RebuildView,
    headers: {
      Location: { description: 'The rebuild: /api/v1/analytics/rebuilds/{rebuildId}', schema: { type: 'string' } },
    },
    description: 'Rebuild started; follow its progress at Location',
  })
  @ApiProblems(401, 403, 409, 429, 502, 504)
  async startRebuild(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'analytics',
      method: 'POST',
      path: '/internal/v1/analytics/rebuilds',
      // it empties every read model for a while: who did it and when belongs in the trail
      audit: {
        action: 'analytics.rebuild',
        resourceType: 'analytics-rebuild',
        change: true,
        personalData: false,
        resourceId: (answer) => (answer.body as { id?: string } | undefined)?.id,
      },
    });
  }

  @Get('rebuilds/:rebuildId')
  @RequireScopes('analytics:read')
  @ApiOperation({
    summary:
      'A rebuild: its state, and per topic partition the offset the replay reached against the high-water mark captured at its start',
  })
  @ApiOkResponse({ type: RebuildView })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async rebuild(
    @Param('rebuildId', new ParseUUIDPipe()) rebuildId: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'analytics',
      method: 'GET',
      path: `/internal/v1/analytics/rebuilds/${rebuildId}`,
    });
  }
}
