import { Injectable } from '@nestjs/common';
import { TEAM_PATTERN } from '@rapport/contracts';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { TeamsErrorCode, TeamsException } from './teams.exception';
import { TeamsRepository, type TeamRecord } from './teams.repository';

/**
 * The service desk's teams and their managers. Anyone who reads tickets reads them; an admin names a
 * team's manager (it decides who gets the tickets an escalation reassigns to the manager).
 */
@Injectable()
export class TeamsService {
  constructor(private readonly teams: TeamsRepository) {}

  list(): Promise<TeamRecord[]> {
    return this.teams.list();
  }

  async get(name: string): Promise<TeamRecord> {
    const team = TEAM_PATTERN.test(name) ? await this.teams.find(name) : undefined;
    if (!team) throw new TeamsException(TeamsErrorCode.TeamNotFound, `Team ${name} has no service-desk settings`);
    return team;
  }

  async put(
    name: string,
    manager: string | null,
    caller: CallerIdentity,
  ): Promise<{ team: TeamRecord; created: boolean }> {
    if (!caller.roles.includes('admin'))
      throw new TeamsException(TeamsErrorCode.AdminsOnly, "An admin names a team's manager");
    if (!TEAM_PATTERN.test(name)) throw new TeamsException(TeamsErrorCode.TeamNotFound, `${name} is not a team name`);
    return this.teams.upsert(name, manager, caller.sub);
  }
}
