import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ServiceDeskStatsQuery, ServiceDeskStatsView } from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy } from '../upstream/api-proxy';
import { queryString } from '../upstream/query-string';

/**
 * The service desk's team view (service-desk): counts only, no personal data. Row level is the ticket
 * list's: an agent's figures cover their tickets and their team's and queues' unassigned ones, a
 * manager's the team's, an admin's or executive's every team (or the one named).
 */
@ApiTags('tickets')
@Controller('api/v1/service-desk/stats')
export class ServiceDeskStatsController {
  constructor(private readonly proxy: ApiProxy) {}

  @Get()
  @RequireScopes('tickets:read')
  @ApiOperation({
    summary:
      'Team figures: the open backlog now (by state, at risk, breached, its age), and over the tickets received in [from, to) the SLA compliance and median business time of first response and resolution, and the CSAT of the ratings given in the window',
  })
  @ApiOkResponse({ type: ServiceDeskStatsView })
  @ApiProblems(400, 401, 403, 422, 429, 502, 504)
  async get(@Query() query: ServiceDeskStatsQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'service-desk',
      method: 'GET',
      path: `/internal/v1/stats${queryString(query)}`,
    });
  }
}
