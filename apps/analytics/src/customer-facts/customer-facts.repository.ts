import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface CustomerFact {
  customerId: string;
  kind: string;
  sourceChannel: string | null;
  createdAt: string;
  ownerId: string | null;
  team: string | null;
  lifecycleStage: string | null;
}

@Injectable()
export class CustomerFactsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async add(
    manager: EntityManager,
    customer: {
      customerId: string;
      kind: string;
      sourceChannel?: string;
      ownerId?: string;
      team?: string;
      createdAt: string;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.customer_facts (customer_id, kind, source_channel, owner_id, team, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (customer_id) DO NOTHING`,
      [
        customer.customerId,
        customer.kind,
        customer.sourceChannel ?? null,
        customer.ownerId ?? null,
        customer.team ?? null,
        customer.createdAt,
      ],
    );
  }

  /** The owner and team now (null when released to the public pool); an older change never wins. */
  async ownershipChanged(
    manager: EntityManager,
    change: { customerId: string; ownerId: string | null; team: string | null; changedAt: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE analytics.customer_facts SET owner_id = $2, team = $3, owner_changed_at = $4
       WHERE customer_id = $1 AND (owner_changed_at IS NULL OR owner_changed_at <= $4)`,
      [change.customerId, change.ownerId, change.team, change.changedAt],
    );
  }

  /**
   * The stage now, and the move in the history with the owner and team the customer had then (whose
   * conversion a prospect's move is).
   */
  async lifecycleChanged(
    manager: EntityManager,
    change: { customerId: string; from: string | null; to: string; changedAt: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE analytics.customer_facts SET lifecycle_stage = $2, lifecycle_changed_at = $3
       WHERE customer_id = $1 AND (lifecycle_changed_at IS NULL OR lifecycle_changed_at <= $3)`,
      [change.customerId, change.to, change.changedAt],
    );
    await manager.query(
      `INSERT INTO analytics.lifecycle_changes (customer_id, from_stage, to_stage, changed_at, owner_id, team)
       SELECT $1, $2, $3, $4, f.owner_id, f.team
       FROM (SELECT 1) one LEFT JOIN analytics.customer_facts f ON f.customer_id = $1`,
      [change.customerId, change.from, change.to, change.changedAt],
    );
  }

  async find(customerId: string): Promise<CustomerFact | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT customer_id, kind, source_channel, created_at, owner_id, team, lifecycle_stage
       FROM analytics.customer_facts WHERE customer_id = $1`,
      [customerId],
    );
    return row
      ? {
          customerId: row.customer_id,
          kind: row.kind,
          sourceChannel: row.source_channel,
          createdAt: row.created_at.toISOString(),
          ownerId: row.owner_id,
          team: row.team,
          lifecycleStage: row.lifecycle_stage,
        }
      : undefined;
  }

  async count(): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS count FROM analytics.customer_facts`);
    return row.count;
  }

  /** One fact per customer: when the survivor has its own, that one stays and the merged one goes. */
  async rekey(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(
      `UPDATE analytics.customer_facts SET customer_id = $2
       WHERE customer_id = $1 AND NOT EXISTS (SELECT 1 FROM analytics.customer_facts WHERE customer_id = $2)`,
      [mergedId, survivorId],
    );
    await manager.query(`DELETE FROM analytics.customer_facts WHERE customer_id = $1`, [mergedId]);
    await manager.query(`UPDATE analytics.lifecycle_changes SET customer_id = $2 WHERE customer_id = $1`, [
      mergedId,
      survivorId,
    ]);
  }

  /** Returns how many rows went (the erasure acknowledgement counts them). */
  async erase(manager: EntityManager, customerId: string): Promise<number> {
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected]: [unknown[], number] = await manager.query(
      `DELETE FROM analytics.customer_facts WHERE customer_id = $1`,
      [customerId],
    );
    return affected;
  }

  /** The stage moves stay for the counts (conversions, churned customers), without the customer. */
  async anonymiseLifecycleChanges(manager: EntityManager, customerId: string): Promise<number> {
    const [, anonymised]: [unknown[], number] = await manager.query(
      `UPDATE analytics.lifecycle_changes SET customer_id = NULL WHERE customer_id = $1`,
      [customerId],
    );
    return anonymised;
  }
}
