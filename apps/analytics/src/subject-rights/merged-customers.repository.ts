import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Ids merged away, so that their late events are not applied to a customer that no longer exists. */
@Injectable()
export class MergedCustomersRepository {
  async record(manager: EntityManager, merge: { mergedId: string; survivorId: string; mergedAt: string }): Promise<void> {
    await manager.query(
      `INSERT INTO analytics.merged_customers (merged_customer_id, survivor_customer_id, merged_at) VALUES ($1, $2, $3)
       ON CONFLICT (merged_customer_id) DO NOTHING`,
      [merge.mergedId, merge.survivorId, merge.mergedAt],
    );
    // a chain A -> B -> C: A now lives in C, and erasing C must reach A's record too
    await manager.query(`UPDATE analytics.merged_customers SET survivor_customer_id = $2 WHERE survivor_customer_id = $1`, [merge.mergedId, merge.survivorId]);
  }

  /** The erased customer's former ids are personal data as well. */
  async forget(manager: EntityManager, customerId: string): Promise<void> {
    await manager.query(`DELETE FROM analytics.merged_customers WHERE survivor_customer_id = $1 OR merged_customer_id = $1`, [customerId]);
  }
}
