import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface CustomerFact {
  customerId: string;
  kind: string;
  sourceChannel: string | null;
  createdAt: string;
}

@Injectable()
export class CustomerFactsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async add(
    manager: EntityManager,
    customer: { customerId: string; kind: string; sourceChannel?: string; createdAt: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.customer_facts (customer_id, kind, source_channel, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (customer_id) DO NOTHING`,
      [customer.customerId, customer.kind, customer.sourceChannel ?? null, customer.createdAt],
    );
  }

  async find(customerId: string): Promise<CustomerFact | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT customer_id, kind, source_channel, created_at FROM analytics.customer_facts WHERE customer_id = $1`,
      [customerId],
    );
    return row
      ? {
          customerId: row.customer_id,
          kind: row.kind,
          sourceChannel: row.source_channel,
          createdAt: row.created_at.toISOString(),
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
}
