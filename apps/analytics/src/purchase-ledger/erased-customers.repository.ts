import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * Customers analytics erased, as a SHA-256 digest of the id (no uuid column keeps the id; the digest
 * only answers "was this id erased?"). customer.erased and a customer's purchases travel on two
 * topics, so a purchase can be applied after the erasure: always when a rebuild replays the customers
 * topic ahead of the purchases topic, sometimes when analytics catches up after a pause. Such a
 * purchase is kept unlinked, as the erasure left the others, instead of bringing the customer back.
 * Both sides take the same per-customer lock, so a purchase and an erasure running at once on two
 * partitions are applied one after the other.
 */
@Injectable()
export class ErasedCustomersRepository {
  /**
   * The customer and the ids merged into them: the erasure forgets those merges afterwards, and a late
   * fact of such an id would otherwise come back under it.
   */
  async add(manager: EntityManager, customerId: string): Promise<void> {
    await lock(manager, customerId);
    await manager.query(
      `INSERT INTO analytics.erased_customers (customer_digest)
       SELECT sha256(convert_to(id::text, 'UTF8')) FROM (
         SELECT $1::uuid AS id
         UNION SELECT merged_customer_id FROM analytics.merged_customers WHERE survivor_customer_id = $1) ids
       ON CONFLICT DO NOTHING`,
      [customerId],
    );
  }

  async has(manager: EntityManager, customerId: string): Promise<boolean> {
    await lock(manager, customerId);
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM analytics.erased_customers WHERE customer_digest = sha256(convert_to($1::text, 'UTF8'))`,
      [customerId],
    );
    return rows.length > 0;
  }
}

async function lock(manager: EntityManager, customerId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`erased-customers:${customerId}`]);
}
