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

  /**
   * The customer's VIP flag, holding its row like lockKnown (undefined: not known). A new ticket is
   * routed by it.
   */
  async lockWithTier(manager: EntityManager, customerId: string): Promise<{ vip: boolean } | undefined> {
    const rows: { vip: boolean }[] = await manager.query(
      `SELECT vip FROM service_desk.customer_refs WHERE customer_id = $1 FOR SHARE`,
      [customerId],
    );
    return rows[0] ? { vip: rows[0].vip } : undefined;
  }

  /**
   * analytics' value tier, if newer than the one held; the VIP flag follows (tier A, or a VIP loyalty
   * tier). Answers false for a customer service-desk does not know, or an older score.
   */
  async applyValueTier(
    manager: EntityManager,
    score: { customerId: string; valueTier: 'A' | 'B' | 'C'; at: string },
    vipLoyaltyTiers: readonly string[],
  ): Promise<boolean> {
    const [rows]: [unknown[], number] = await manager.query(
      `UPDATE service_desk.customer_refs
          SET value_tier = $2, value_tier_at = $3,
              vip = ($2 = 'A' OR coalesce(loyalty_tier = ANY($4::text[]), false))
        WHERE customer_id = $1 AND (value_tier_at IS NULL OR value_tier_at < $3::timestamptz)
        RETURNING 1`,
      [score.customerId, score.valueTier, score.at, vipLoyaltyTiers],
    );
    return rows.length > 0;
  }

  /** loyalty's tier, if newer than the one held; the VIP flag follows. False as for applyValueTier. */
  async applyLoyaltyTier(
    manager: EntityManager,
    change: { customerId: string; tier: string; at: string },
    vipLoyaltyTiers: readonly string[],
  ): Promise<boolean> {
    const [rows]: [unknown[], number] = await manager.query(
      `UPDATE service_desk.customer_refs
          SET loyalty_tier = $2, loyalty_tier_at = $3,
              vip = (coalesce(value_tier = 'A', false) OR $2 = ANY($4::text[]))
        WHERE customer_id = $1 AND (loyalty_tier_at IS NULL OR loyalty_tier_at < $3::timestamptz)
        RETURNING 1`,
      [change.customerId, change.tier, change.at, vipLoyaltyTiers],
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
