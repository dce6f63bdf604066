import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface CustomerRef {
  customerId: string;
  kind: string;
  createdAt: string;
}

@Injectable()
export class CustomerRefsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async add(manager: EntityManager, customer: { customerId: string; kind: string; createdAt: string }): Promise<void> {
    await manager.query(
      `INSERT INTO service_desk.customer_refs (customer_id, kind, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (customer_id) DO NOTHING`,
      [customer.customerId, customer.kind, customer.createdAt],
    );
  }

  async find(customerId: string): Promise<CustomerRef | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT customer_id, kind, created_at FROM service_desk.customer_refs WHERE customer_id = $1`,
      [customerId],
    );
    return row ? toRecord(row) : undefined;
  }

  /**
   * Whether service-desk knows the customer, holding its row until the caller's transaction ends: an
   * erasure or merge of the customer waits for what is being written under its id, then handles it too.
   */
  async lockKnown(manager: EntityManager, customerId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM service_desk.customer_refs WHERE customer_id = $1 FOR SHARE`,
      [customerId],
    );
    return rows.length > 0;
  }

  /** One row per customer: when the survivor has its own, that one stays and the merged one goes. */
  async rekey(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(
      `UPDATE service_desk.customer_refs SET customer_id = $2
       WHERE customer_id = $1 AND NOT EXISTS (SELECT 1 FROM service_desk.customer_refs WHERE customer_id = $2)`,
      [mergedId, survivorId],
    );
    await manager.query(`DELETE FROM service_desk.customer_refs WHERE customer_id = $1`, [mergedId]);
  }

  /** Returns how many rows went (the erasure acknowledgement counts them). */
  async erase(manager: EntityManager, customerId: string): Promise<number> {
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected]: [unknown[], number] = await manager.query(
      `DELETE FROM service_desk.customer_refs WHERE customer_id = $1`,
      [customerId],
    );
    return affected;
  }
}

function toRecord(row: { customer_id: string; kind: string; created_at: Date }): CustomerRef {
  return { customerId: row.customer_id, kind: row.kind, createdAt: row.created_at.toISOString() };
}
