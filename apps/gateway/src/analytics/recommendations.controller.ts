import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  CustomerRecommendationsView,
  RecommendationBuildView,
  RecommendationEvaluationView,
  RecommendationsQuery,
} from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { IDEMPOTENCY_HEADER_DOC } from '../idempotency/idempotency.docs';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy, type UpstreamForwarder } from '../upstream/api-proxy';
import { queryString } from '../upstream/query-string';

/**
 * analytics's co-purchase recommendations (SKUs and counts, no personal data). A build replaces the
 * model every reader's recommendations come from: analytics:write, as a CLV fit.
 */
@ApiTags('analytics')
@Controller('api/v1/analytics')
export class RecommendationsController {
  private readonly analytics: UpstreamForwarder;

  constructor(proxy: ApiProxy) {
    this.analytics = proxy.to('analytics');
  }

  @Get('customers/:customerId/recommendations')
  @RequireScopes('analytics:read')
  @ApiOperation({
    summary:
      "The k SKUs the customer is most likely to buy next from item-item co-occurrence (cosine), each with the customer's SKUs that drove it; the most bought SKUs (basis popularity) when they bought nothing yet",
  })
  @ApiOkResponse({ type: CustomerRecommendationsView })
  @ApiProblems(400, 401, 403, 404, 409, 429, 502, 504)
  async customerRecommendations(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Query() query: RecommendationsQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.analytics.get(
      request,
      response,
      `/internal/v1/recommendations/customers/${customerId}${queryString(query)}`,
    );
  }

  @Post('recommendations/builds')
  @HttpCode(201)
  @RequireScopes('analytics:write')
  @ApiOperation({
    summary:
      'Build the recommendation model now and evaluate it (hit rate@k and NDCG@k against the popularity baseline on each customer’s held-out last basket); 202 when the build takes longer than a few seconds (it goes on)',
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: RecommendationBuildView, description: 'Built: the build’s figures and evaluation' })
  @ApiAcceptedResponse({ type: RecommendationBuildView, description: 'Still building (status running)' })
  @ApiProblems(400, 401, 403, 409, 422, 429, 502, 504)
  async build(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.analytics.send(request, response, {
      method: 'POST',
      path: '/internal/v1/recommendations/builds',
    });
  }

  @Get('recommendations/evaluation')
  @RequireScopes('analytics:read')
  @ApiOperation({
    summary:
      'The latest model build’s self-evaluation: hit rate@k and NDCG@k of the model and of the popularity baseline',
  })
  @ApiOkResponse({ type: RecommendationEvaluationView })
  @ApiProblems(401, 403, 404, 429, 502, 504)
  async evaluation(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.analytics.get(request, response, '/internal/v1/recommendations/evaluation');
  }
}
