import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

@Injectable()
export class CustomerRefsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async add(manager: EntityManager, customer: { customerId: string; kind: string; createdAt: string }): Promise<void> {
    await manager.query(
      `INSERT INTO interaction.customer_refs (customer_id, kind, created_at) VALUES ($1, $2, $3)
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
}
