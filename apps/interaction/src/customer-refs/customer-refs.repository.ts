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

  async add(
    manager: EntityManager,
    customer: {
      customerId: string;
      kind: string;
      createdAt: string;
      ownerId?: string | undefined;
      team?: string | undefined;
      wechatOpenidDigest?: string | undefined;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO interaction.customer_refs (customer_id, kind, created_at, owner_id, team, wechat_openid_digest)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (customer_id) DO NOTHING`,
      [
        customer.customerId,
        customer.kind,
        customer.createdAt,
        customer.ownerId ?? null,
        customer.team ?? null,
        customer.wechatOpenidDigest ?? null,
      ],
    );
  }

  /** The digest of the customer's WeChat openid (null: removed), which the WeChat channel matches senders by. */
  async setWechatOpenidDigest(manager: EntityManager, customerId: string, digest: string | null): Promise<void> {
    await manager.query(`UPDATE interaction.customer_refs SET wechat_openid_digest = $2 WHERE customer_id = $1`, [
      customerId,
      digest,
    ]);
  }

  /** The customer's owner and team changed (null owner: back in the public pool). */
  async setOwner(
    manager: EntityManager,
    customerId: string,
    ownerId: string | null,
    team: string | null,
  ): Promise<void> {
    await manager.query(`UPDATE interaction.customer_refs SET owner_id = $2, team = $3 WHERE customer_id = $1`, [
      customerId,
      ownerId,
      team,
    ]);
  }

  /** Who owns the customer, if interaction knows the customer. */
  async ownerOf(
    manager: EntityManager,
    customerId: string,
  ): Promise<{ ownerId: string | null; team: string | null } | undefined> {
    const rows: { owner_id: string | null; team: string | null }[] = await manager.query(
      `SELECT owner_id, team FROM interaction.customer_refs WHERE customer_id = $1`,
      [customerId],
    );
    return rows[0] ? { ownerId: rows[0].owner_id, team: rows[0].team } : undefined;
  }

  async find(customerId: string): Promise<CustomerRef | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT customer_id, kind, created_at FROM interaction.customer_refs WHERE customer_id = $1`,
      [customerId],
    );
    return row ? toRecord(row) : undefined;
  }

  /**
   * Whether the customer is known, holding its reference (FOR KEY SHARE) until the caller's transaction
   * ends, so that an erasure or merge consumed meanwhile waits for the new rows and then takes them too.
   */
  async holdKnown(manager: EntityManager, customerId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM interaction.customer_refs WHERE customer_id = $1 FOR KEY SHARE`,
      [customerId],
    );
    return rows.length > 0;
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

  /** Returns how many rows went (the erasure acknowledgement counts them). */
  async erase(manager: EntityManager, customerId: string): Promise<number> {
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected]: [unknown[], number] = await manager.query(
      `DELETE FROM interaction.customer_refs WHERE customer_id = $1`,
      [customerId],
    );
    return affected;
  }
}

function toRecord(row: { customer_id: string; kind: string; created_at: Date }): CustomerRef {
  return { customerId: row.customer_id, kind: row.kind, createdAt: row.created_at.toISOString() };
}
