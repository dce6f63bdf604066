import { Controller, Get, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CustomerCountView, CustomerScoresView } from '@rapport/contracts';
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
}
