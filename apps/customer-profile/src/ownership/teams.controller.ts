import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { TEAM_PATTERN, TeamMembersRequest, type TeamView } from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import { OwnershipErrorCode, OwnershipException } from './ownership.exception';
import { OwnershipService } from './ownership.service';
import type { TeamRow } from './teams.repository';

/** Teams as data: members in round-robin order (GET/PUT /api/v1/teams/{team}…). */
@Controller('internal/v1/teams')
export class TeamsController {
  constructor(private readonly ownership: OwnershipService) {}

  @Get(':team')
  @CallerScopes('customers:read')
  async get(@Param('team') team: string): Promise<TeamView> {
    return teamView(await this.ownership.team(checked(team)));
  }

  @Put(':team/members')
  @CallerScopes('customers:write')
  async replaceMembers(
    @Param('team') team: string,
    @Body() body: TeamMembersRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<TeamView> {
    return teamView(await this.ownership.replaceTeamMembers(checked(team), body.userIds, caller));
  }
}

function checked(team: string): string {
  if (!TEAM_PATTERN.test(team)) {
    throw new OwnershipException(OwnershipErrorCode.InvalidTeamName, 'team is not a team name', [
      { field: 'team', message: 'team must be letters, digits, . _ - (at most 100)' },
    ]);
  }
  return team;
}

function teamView(row: TeamRow): TeamView {
  const n = row.member_ids.length;
  return {
    team: row.team,
    userIds: row.member_ids,
    nextUserId: n === 0 ? null : row.member_ids[row.next_position % n]!,
    updatedAt: new Date(row.updated_at).toISOString(),
    updatedBy: row.updated_by,
  };
}
