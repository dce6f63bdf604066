import { Injectable } from '@nestjs/common';
import { quoteIdent } from '@rapport/platform-messaging';
import { DataSource, type EntityManager } from 'typeorm';
import type { PartitionProgress } from './rebuild-progress';

export type RebuildState = 'running' | 'completed' | 'failed';
export type RebuildPhase = 'stopping' | 'replaying' | 'done';

export interface RebuildRecord {
  id: string;
  state: RebuildState;
  phase: RebuildPhase;
  requestedBy: string;
  startedAt: Date;
  replayFrom: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date;
  tables: string[];
  partitions: PartitionProgress[];
  eventsApplied: number;
  error: string | null;
}

interface Row {
  id: string;
  state: RebuildState;
  phase: RebuildPhase;
  requested_by: string;
  started_at: Date;
  replay_from: Date | null;
  finished_at: Date | null;
  heartbeat_at: Date;
  tables: string[];
  partitions: PartitionProgress[];
  events_applied: string;
  error: string | null;
}

const toRecord = (r: Row): RebuildRecord => ({
  id: r.id,
  state: r.state,
  phase: r.phase,
  requestedBy: r.requested_by,
  startedAt: r.started_at,
  replayFrom: r.replay_from,
  finishedAt: r.finished_at,
  heartbeatAt: r.heartbeat_at,
  tables: r.tables,
  partitions: r.partitions,
  eventsApplied: Number(r.events_applied),
  error: r.error,
});

const quote = (table: string) => `analytics.${quoteIdent(table)}`;

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class RebuildsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The new rebuild, or null when one is running already (the partial unique index refuses a second). */
  async insert(rebuild: {
    id: string;
    requestedBy: string;
    startedAt: Date;
    tables: string[];
    partitions: PartitionProgress[];
  }): Promise<RebuildRecord | null> {
    try {
      const [row] = await this.dataSource.query(
        `INSERT INTO analytics.rebuilds (id, state, phase, requested_by, started_at, heartbeat_at, tables, partitions)
         VALUES ($1, 'running', 'stopping', $2, $3, $3, $4, $5)
         RETURNING *`,
        [
          rebuild.id,
          rebuild.requestedBy,
          rebuild.startedAt,
          JSON.stringify(rebuild.tables),
          JSON.stringify(rebuild.partitions),
        ],
      );
      return toRecord(row as Row);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return null;
      throw error;
    }
  }

  async find(id: string): Promise<RebuildRecord | null> {
    const [row] = await this.dataSource.query(`SELECT * FROM analytics.rebuilds WHERE id = $1`, [id]);
    return row ? toRecord(row as Row) : null;
  }

  async findRunning(): Promise<RebuildRecord | null> {
    const [row] = await this.dataSource.query(`SELECT * FROM analytics.rebuilds WHERE state = 'running'`);
    return row ? toRecord(row as Row) : null;
  }

  /**
   * The running rebuild, row-locked for this transaction, or null when it is not running any more or
   * another replica holds it (that one is updating it right now).
   */
  async lockRunning(manager: EntityManager, id: string): Promise<RebuildRecord | null> {
    const [row] = await manager.query(
      `SELECT * FROM analytics.rebuilds WHERE id = $1 AND state = 'running' FOR UPDATE SKIP LOCKED`,
      [id],
    );
    return row ? toRecord(row as Row) : null;
  }

  async heartbeat(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE analytics.rebuilds SET heartbeat_at = now() WHERE id = $1 AND state = 'running'`,
      [id],
    );
  }

  /**
   * Empties the tables in one statement (foreign keys between them are no obstacle), waiting at most
   * `lockWaitMs` for their locks (55P03 after that; the rest of the transaction is rolled back).
   */
  async truncate(manager: EntityManager, tables: readonly string[], lockWaitMs: number): Promise<void> {
    await manager.query(`SET LOCAL lock_timeout = ${Math.trunc(lockWaitMs)}`);
    await manager.query(`TRUNCATE ${tables.map(quote).join(', ')}`);
  }

  async startReplay(manager: EntityManager, id: string): Promise<void> {
    await manager.query(
      `UPDATE analytics.rebuilds SET phase = 'replaying', replay_from = now(), heartbeat_at = now() WHERE id = $1`,
      [id],
    );
  }

  async saveProgress(
    manager: EntityManager,
    id: string,
    progress: { partitions: PartitionProgress[]; eventsApplied: number; completed: boolean },
  ): Promise<void> {
    await manager.query(
      `UPDATE analytics.rebuilds
          SET partitions = $2, events_applied = $3, heartbeat_at = now(),
              state = CASE WHEN $4 THEN 'completed' ELSE state END,
              phase = CASE WHEN $4 THEN 'done' ELSE phase END,
              finished_at = CASE WHEN $4 THEN now() ELSE finished_at END
        WHERE id = $1`,
      [id, JSON.stringify(progress.partitions), progress.eventsApplied, progress.completed],
    );
  }

  /** Events applied since the replay began: the inbox was emptied when it did. */
  async eventsApplied(manager: EntityManager): Promise<number> {
    const [row] = await manager.query(`SELECT count(*)::bigint AS n FROM analytics.inbox`);
    return Number(row.n);
  }

  /** Marks a running rebuild failed; `staleBefore` only if its coordinator went silent before then. */
  async fail(id: string, error: string, staleBefore?: Date): Promise<boolean> {
    const [, affected]: [unknown[], number] = await this.dataSource.query(
      `UPDATE analytics.rebuilds SET state = 'failed', phase = 'done', finished_at = now(), error = $2
        WHERE id = $1 AND state = 'running' AND ($3::timestamptz IS NULL OR heartbeat_at < $3)`,
      [id, error.slice(0, 2_000), staleBefore ?? null],
    );
    return affected === 1;
  }
}
