import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateForecastRequest, ForecastView } from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { IDEMPOTENCY_HEADER_DOC } from '../idempotency/idempotency.docs';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy, type UpstreamForwarder } from '../upstream/api-proxy';

/** analytics' sales forecasts (apps/analytics/src/forecasts). */
@ApiTags('analytics')
@Controller('api/v1/analytics')
export class ForecastsController {
  private readonly analytics: UpstreamForwarder;

  constructor(proxy: ApiProxy) {
    this.analytics = proxy.to('analytics');
  }

  @Post('forecasts')
  @HttpCode(201)
  // Reads aggregates and changes no customer data or model: analytics:read, as for the dashboards.
  @RequireScopes('analytics:read')
  @ApiOperation({
    summary:
      'Forecast revenue (net of refunds) or orders by week or month, overall or per category or channel, with 80 % ' +
      'intervals; the model is chosen by a rolling-origin backtest, reported next to seasonal naive’s',
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: ForecastView })
  @ApiProblems(400, 401, 403, 422, 429, 502, 504)
  async createForecast(
    @Body() body: CreateForecastRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.analytics.send(request, response, {
      method: 'POST',
      path: '/internal/v1/forecasts',
      body,
    });
  }

  @Get('forecasts/:id')
  @RequireScopes('analytics:read')
  @ApiOperation({ summary: 'A forecast as it was made: its series, intervals, backtest table and notes' })
  @ApiOkResponse({ type: ForecastView })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async forecast(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.analytics.get(request, response, `/internal/v1/forecasts/${id}`);
  }
}
