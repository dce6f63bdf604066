import { Body, Controller, Get, Param, Put, Res } from '@nestjs/common';
import { PutServiceDeskTeamRequest, type ServiceDeskTeamList, type ServiceDeskTeamView } from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { Response } from 'express';
import type { TeamRecord } from './teams.repository';
import { TeamsService } from './teams.service';

/** Internal API, reached through the gateway only: the service desk's teams and their managers. */
@Controller('internal/v1/teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @CallerScopes('tickets:read')
  async list(): Promise<ServiceDeskTeamList> {
    return { items: (await this.teams.list()).map(toTeamView) };
  }

  @Get(':team')
  @CallerScopes('tickets:read')
  async get(@Param('team') name: string): Promise<ServiceDeskTeamView> {
    return toTeamView(await this.teams.get(name));
  }

  /** Creates (201) or replaces (200) the team's settings. */
  @Put(':team')
  @CallerScopes('tickets:write')
  async put(
    @Param('team') name: string,
    @Body() body: PutServiceDeskTeamRequest,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ServiceDeskTeamView> {
    const { team, created } = await this.teams.put(name, body.manager, caller);
    response.status(created ? 201 : 200);
    return toTeamView(team);
  }
}

function toTeamView(team: TeamRecord): ServiceDeskTeamView {
  return {
    name: team.name,
    manager: team.manager,
    updatedAt: team.updatedAt.toISOString(),
    updatedBy: team.updatedBy,
  };
}
