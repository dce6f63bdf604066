import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface TeamRow {
  team: string;
  member_ids: string[];
  next_position: number;
  updated_at: Date;
  updated_by: string | null;
}

/** Teams as data: the members of a team in round-robin order and the position whose turn is next. */
@Injectable()
export class TeamsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(team: string): Promise<TeamRow | null> {
    const rows: TeamRow[] = await this.dataSource.query(
      `SELECT team, member_ids, next_position, updated_at, updated_by FROM customer_profile.teams WHERE team = $1`,
      [team],
    );
    return rows[0] ?? null;
  }

  /** The team's cursor row, locked: round-robin assignments of one team take turns one at a time. */
  async lock(manager: EntityManager, team: string): Promise<TeamRow | null> {
    const rows: TeamRow[] = await manager.query(
      `SELECT team, member_ids, next_position, updated_at, updated_by FROM customer_profile.teams WHERE team = $1 FOR UPDATE`,
      [team],
    );
    return rows[0] ?? null;
  }

  /** Replaces the member list; a changed list starts its turns from the first member again. */
  async replaceMembers(team: string, memberIds: readonly string[], by: string): Promise<TeamRow> {
    const rows: TeamRow[] = await this.dataSource.query(
      `INSERT INTO customer_profile.teams AS t (team, member_ids, next_position, updated_by) VALUES ($1, $2::text[], 0, $3)
       ON CONFLICT (team) DO UPDATE
         SET member_ids = EXCLUDED.member_ids, updated_by = EXCLUDED.updated_by, updated_at = now(),
             next_position = CASE WHEN t.member_ids = EXCLUDED.member_ids THEN t.next_position ELSE 0 END
       RETURNING team, member_ids, next_position, updated_at, updated_by`,
      [team, memberIds, by],
    );
    return rows[0]!;
  }

  async advance(manager: EntityManager, team: string, nextPosition: number): Promise<void> {
    await manager.query(`UPDATE customer_profile.teams SET next_position = $2 WHERE team = $1`, [team, nextPosition]);
  }
}
