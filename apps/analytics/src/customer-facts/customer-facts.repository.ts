import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

@Injectable()
export class CustomerFactsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async upsertCreated(
    manager: EntityManager,
    fact: { customerId: string; kind: string; sourceChannel: string | null; createdAt: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.customer_facts (customer_id, kind, source_channel, created_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (customer_id) DO NOTHING`,
      [fact.customerId, fact.kind, fact.sourceChannel, fact.createdAt],
    );
  }

  async find(customerId: string): Promise<{ customerId: string; kind: string; sourceChannel: string | null; createdAt: string } | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT customer_id, kind, source_channel, created_at FROM analytics.customer_facts WHERE customer_id = $1`,
      [customerId],
    );
    return row
      ? { customerId: row.customer_id, kind: row.kind, sourceChannel: row.source_channel, createdAt: row.created_at.toISOString() }
      : undefined;
  }

  async count(): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS count FROM analytics.customer_facts`);
    return row.count;
  }
}
