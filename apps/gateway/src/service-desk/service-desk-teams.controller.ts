import { Body, Controller, Get, Param, Put, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PutServiceDeskTeamRequest, ServiceDeskTeamList, ServiceDeskTeamView, TEAM_PATTERN } from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy } from '../upstream/api-proxy';
import { checkedPathParam } from '../upstream/path-param';

const UPSTREAM = 'service-desk';
const TEAM_PARAM = { name: 'team', example: 'north' };

const teamPath = (team: string) =>
  `/internal/v1/teams/${checkedPathParam(team, TEAM_PATTERN, 'team', 'must be a team name (letters, digits, . _ -; at most 100)')}`;

/** The service desk's teams (service-desk): who manages each, for the SLA escalation reassign-to-manager. */
@ApiTags('queues')
@Controller('api/v1/service-desk/teams')
export class ServiceDeskTeamsController {
  constructor(private readonly proxy: ApiProxy) {}

  @Get()
  @RequireScopes('tickets:read')
  @ApiOperation({ summary: 'The service desk’s teams and their managers, by name' })
  @ApiOkResponse({ type: ServiceDeskTeamList })
  @ApiProblems(401, 403, 429, 502, 504)
  async list(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, { upstream: UPSTREAM, method: 'GET', path: '/internal/v1/teams' });
  }

  @Get(':team')
  @RequireScopes('tickets:read')
  @ApiOperation({ summary: 'A team’s service-desk settings: its manager' })
  @ApiParam(TEAM_PARAM)
  @ApiOkResponse({ type: ServiceDeskTeamView })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async get(@Param('team') team: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, { upstream: UPSTREAM, method: 'GET', path: teamPath(team) });
  }

  @Put(':team')
  @RequireScopes('tickets:write')
  @ApiOperation({
    summary:
      "Name a team's manager (admins): the SLA escalation reassign-to-manager gives the team's breached tickets to them",
  })
  @ApiParam(TEAM_PARAM)
  @ApiOkResponse({ type: ServiceDeskTeamView, description: 'Replaced' })
  @ApiResponse({ status: 201, type: ServiceDeskTeamView, description: 'Created' })
  @ApiProblems(400, 401, 403, 429, 502, 504)
  async put(
    @Param('team') team: string,
    @Body() body: PutServiceDeskTeamRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'PUT',
      path: teamPath(team),
      body,
      audit: {
        action: 'service-desk-team.put',
        resourceType: 'team',
        change: true,
        personalData: false,
        resourceId: () => team,
      },
    });
  }
}
