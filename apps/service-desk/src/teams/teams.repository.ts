import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface TeamRecord {
  name: string;
  manager: string | null;
  updatedAt: Date;
  updatedBy: string;
}

interface TeamRow {
  name: string;
  manager: string | null;
  updated_at: Date;
  updated_by: string;
  created?: boolean;
}

/** The only SQL of the service desk's teams. */
@Injectable()
export class TeamsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<TeamRecord[]> {
    const rows: TeamRow[] = await this.dataSource.query(
      `SELECT name, manager, updated_at, updated_by FROM service_desk.teams ORDER BY name`,
    );
    return rows.map(toRecord);
  }

  async find(name: string): Promise<TeamRecord | undefined> {
    const rows: TeamRow[] = await this.dataSource.query(
      `SELECT name, manager, updated_at, updated_by FROM service_desk.teams WHERE name = $1`,
      [name],
    );
    return rows[0] && toRecord(rows[0]);
  }

  /** Creates or replaces the team; `created` says which (xmax is 0 for a row this statement inserted). */
  async upsert(name: string, manager: string | null, actor: string): Promise<{ team: TeamRecord; created: boolean }> {
    const [row]: TeamRow[] = await this.dataSource.query(
      `INSERT INTO service_desk.teams (name, manager, updated_by) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET manager = excluded.manager, updated_by = excluded.updated_by, updated_at = now()
       RETURNING name, manager, updated_at, updated_by, (xmax = 0) AS created`,
      [name, manager, actor],
    );
    return { team: toRecord(row!), created: row!.created === true };
  }

  /** The manager an escalation hands a team's ticket to (null: no such team, or no manager). */
  async managerOf(manager: EntityManager, team: string): Promise<string | null> {
    const rows: Array<{ manager: string | null }> = await manager.query(
      `SELECT manager FROM service_desk.teams WHERE name = $1`,
      [team],
    );
    return rows[0]?.manager ?? null;
  }
}

function toRecord(row: TeamRow): TeamRecord {
  return { name: row.name, manager: row.manager, updatedAt: row.updated_at, updatedBy: row.updated_by };
}
