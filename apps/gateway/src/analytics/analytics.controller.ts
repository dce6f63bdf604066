import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  ChurnEvaluationQuery,
  ChurnEvaluationView,
  ClvFitRequest,
  ClvFitView,
  CustomerCountView,
  CustomerScoresView,
  RebuildView,
} from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { IDEMPOTENCY_HEADER_DOC } from '../idempotency/idempotency.docs';
import { ApiProblems } from '../openapi-problems';
import { answerId, ApiProxy, type UpstreamForwarder } from '../upstream/api-proxy';
import { queryString } from '../upstream/query-string';

@ApiTags('analytics')
@Controller('api/v1/analytics')
export class AnalyticsController {
  private readonly analytics: UpstreamForwarder;

  constructor(proxy: ApiProxy) {
    this.analytics = proxy.to('analytics');
  }

  @Get('customers/count')
  @RequireScopes('analytics:read')
  @ApiOkResponse({ type: CustomerCountView, description: 'How many customers analytics has learned of' })
  @ApiProblems(401, 403, 429, 502, 504)
  async customerCount(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.analytics.get(request, response, '/internal/v1/customers/count');
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
    await this.analytics.get(request, response, `/internal/v1/scores/${customerId}`);
  }

  @Post('models/clv/fits')
  @HttpCode(201)
  @RequireScopes('analytics:write')
  @ApiOperation({
    summary:
      'Fit BG/NBD and Gamma-Gamma on the purchases up to calibrationEnd (time in weeks), with a holdout check when holdoutEnd is given',
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({
    type: ClvFitView,
    description: 'The fit finished within a few seconds; it is now the current model',
  })
  @ApiAcceptedResponse({ type: ClvFitView, description: 'The fit is running: poll Location (GET …/fits/{id})' })
  @ApiProblems(400, 401, 403, 422, 429, 502, 504)
  async fitClv(@Body() body: ClvFitRequest, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.analytics.send(request, response, {
      method: 'POST',
      path: '/internal/v1/models/clv/fits',
      body,
      audit: {
        action: 'clv.fit',
        resourceType: 'clv-fit',
        change: true,
        personalData: false,
        resourceId: answerId,
      },
    });
  }

  @Get('models/clv/fits/:id')
  @RequireScopes('analytics:read')
  @ApiOkResponse({
    type: ClvFitView,
    description: 'A CLV fit: running, succeeded (parameters, data, holdout) or failed (error)',
  })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async clvFit(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.analytics.get(request, response, `/internal/v1/models/clv/fits/${id}`);
  }

  @Get('models/clv')
  @RequireScopes('analytics:read')
  @ApiOkResponse({
    type: ClvFitView,
    description:
      'The current CLV model: BG/NBD {r, alpha (weeks), a, b} and Gamma-Gamma {p, q, gamma}, the data they were fitted on and the log-likelihood',
  })
  @ApiProblems(401, 403, 404, 429, 502, 504)
  async clvModel(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.analytics.get(request, response, '/internal/v1/models/clv');
  }

  @Get('models/churn/evaluation')
  @RequireScopes('analytics:read')
  @ApiOperation({
    summary:
      'Backtest of the churn warning: scored as of asOf, churned = no purchase in the next horizonDays; precision and recall at the threshold and the lift over "longest since the last purchase"',
  })
  @ApiOkResponse({ type: ChurnEvaluationView })
  @ApiProblems(400, 401, 403, 422, 429, 502, 504)
  async churnEvaluation(
    @Query() query: ChurnEvaluationQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.analytics.get(request, response, `/internal/v1/models/churn/evaluation${queryString(query)}`);
  }

  @Post('rebuilds')
  @HttpCode(202)
  // analytics:write alone is the analysts' (model fits); emptying every read model is an administrator's act
  @RequireScopes('analytics:write', 'admin')
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
    await this.analytics.send(request, response, {
      method: 'POST',
      path: '/internal/v1/analytics/rebuilds',
      // it empties every read model for a while: who did it and when belongs in the trail
      audit: {
        action: 'analytics.rebuild',
        resourceType: 'analytics-rebuild',
        change: true,
        personalData: false,
        resourceId: answerId,
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
    await this.analytics.get(request, response, `/internal/v1/analytics/rebuilds/${rebuildId}`);
  }
}
