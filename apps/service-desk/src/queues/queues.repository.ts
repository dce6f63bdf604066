import { Injectable } from '@nestjs/common';
import type { QueueAssignment } from '@rapport/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueueMatchRule } from './queue-routing';

export interface QueueRecord {
  name: string;
  team: string;
  lead: string | null;
  members: string[];
  available: string[] | null;
  assignment: QueueAssignment;
  match: QueueMatchRule;
  priority: number;
  vip: boolean;
  /** Round-robin: the index in members of the last one assigned (-1: none yet). */
  cursor: number;
  updatedAt: Date;
}

export type QueueDefinition = Omit<QueueRecord, 'cursor' | 'updatedAt'>;

const COLUMNS = 'name, team, lead, members, available, assignment, match, priority, vip, rr_cursor, updated_at';

/** The only SQL of queues. */
@Injectable()
export class QueuesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** By rule order (priority, then name). */
  async list(manager: EntityManager = this.dataSource.manager): Promise<QueueRecord[]> {
    const rows: QueueRow[] = await manager.query(`SELECT ${COLUMNS} FROM service_desk.queues ORDER BY priority, name`);
    return rows.map(toRecord);
  }

  async find(
    name: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<QueueRecord | undefined> {
    const rows: QueueRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM service_desk.queues WHERE name = $1${lock ? ' FOR UPDATE' : ''}`,
      [name],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * The queue locked until the caller's transaction ends: assignments in the queue take turns, so two
   * concurrent new tickets never read the same round-robin cursor or the same loads.
   */
  async lockForAssignment(manager: EntityManager, name: string): Promise<QueueRecord | undefined> {
    return this.find(name, manager, true);
  }

  /** Creates or replaces a queue; a replaced queue's round-robin cursor stays where it was. */
  async upsert(manager: EntityManager, queue: QueueDefinition): Promise<{ queue: QueueRecord; created: boolean }> {
    const rows: Array<QueueRow & { created: boolean }> = await manager.query(
      `INSERT INTO service_desk.queues (name, team, lead, members, available, assignment, match, priority, vip, updated_at)
       VALUES ($1, $2, $3, $4::text[], $5::text[], $6, $7::jsonb, $8, $9, now())
       ON CONFLICT (name) DO UPDATE SET team = EXCLUDED.team, lead = EXCLUDED.lead, members = EXCLUDED.members,
         available = EXCLUDED.available, assignment = EXCLUDED.assignment, match = EXCLUDED.match,
         priority = EXCLUDED.priority, vip = EXCLUDED.vip, updated_at = now()
       RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [
        queue.name,
        queue.team,
        queue.lead,
        queue.members,
        queue.available,
        queue.assignment,
        JSON.stringify(queue.match),
        queue.priority,
        queue.vip,
      ],
    );
    return { queue: toRecord(rows[0]!), created: rows[0]!.created };
  }

  async setCursor(manager: EntityManager, name: string, cursor: number): Promise<void> {
    await manager.query(`UPDATE service_desk.queues SET rr_cursor = $2 WHERE name = $1`, [name, cursor]);
  }

  /** How many open (not resolved, not closed) tickets each of these users has, whatever the queue. */
  async openTicketsOf(manager: EntityManager, users: readonly string[]): Promise<Map<string, number>> {
    const rows: { assignee: string; open: number }[] = await manager.query(
      `SELECT assignee, count(*)::int AS open FROM service_desk.tickets
        WHERE assignee = ANY($1::text[]) AND status NOT IN ('resolved', 'closed') AND erased_at IS NULL
        GROUP BY assignee`,
      [users],
    );
    return new Map(rows.map((r) => [r.assignee, r.open]));
  }
}

interface QueueRow {
  name: string;
  team: string;
  lead: string | null;
  members: string[];
  available: string[] | null;
  assignment: QueueAssignment;
  match: QueueMatchRule;
  priority: number;
  vip: boolean;
  rr_cursor: number;
  updated_at: Date;
}

function toRecord(row: QueueRow): QueueRecord {
  return {
    name: row.name,
    team: row.team,
    lead: row.lead,
    members: row.members,
    available: row.available,
    assignment: row.assignment,
    match: row.match,
    priority: row.priority,
    vip: row.vip,
    cursor: row.rr_cursor,
    updatedAt: row.updated_at,
  };
}
