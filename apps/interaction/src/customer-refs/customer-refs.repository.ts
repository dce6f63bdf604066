import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

@Injectable()
export class CustomerRefsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * customer.merged is keyed by the survivor, so it can overtake the merged customer's own
   * customer.created (another partition): an id already merged away is not brought back.
   */
  async add(manager: EntityManager, customer: { customerId: string; kind: string; createdAt: string }): Promise<void> {
    await manager.query(
      `INSERT INTO interaction.customer_refs (customer_id, kind, created_at)
       SELECT $1::uuid, $2::text, $3::timestamptz
       WHERE NOT EXISTS (SELECT 1 FROM interaction.merged_customers WHERE merged_customer_id = $1::uuid)
       ON CONFLICT (customer_id) DO NOTHING`,
      [customer.customerId, customer.kind, customer.createdAt],
    );
  }

  async find(customerId: string): Promise<{ customerId: string; kind: string; createdAt: string } | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT customer_id, kind, created_at FROM interaction.customer_refs WHERE customer_id = $1`,
      [customerId],
    );
    return row ? { customerId: row.customer_id, kind: row.kind, createdAt: row.created_at.toISOString() } : undefined;
  }

  /** One row per customer: when the survivor has its own, that one stays and the merged one goes. */
  async rekey(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(
      `UPDATE interaction.customer_refs SET customer_id = $2
       WHERE customer_id = $1 AND NOT EXISTS (SELECT 1 FROM interaction.customer_refs WHERE customer_id = $2)`,
      [mergedId, survivorId],
    );
    await manager.query(`DELETE FROM interaction.customer_refs WHERE customer_id = $1`, [mergedId]);
  }

  async erase(manager: EntityManager, customerId: string): Promise<void> {
    await manager.query(`DELETE FROM interaction.customer_refs WHERE customer_id = $1`, [customerId]);
  }
}
