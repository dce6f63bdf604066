import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface RewardRecord {
  id: string;
  name: string;
  description: string | null;
  pointsPrice: number;
  /** Null: unlimited. */
  stock: number | null;
  validFrom: Date | null;
  validUntil: Date | null;
  minTier: string | null;
  createdAt: Date;
}

/** Numbers come back from bigint columns as strings. */
interface RewardRow {
  id: string;
  name: string;
  description: string | null;
  points_price: string | number;
  stock: string | number | null;
  valid_from: Date | null;
  valid_until: Date | null;
  min_tier: string | null;
  created_at: Date;
}

const REWARD_COLUMNS = 'id, name, description, points_price, stock, valid_from, valid_until, min_tier, created_at';

const toReward = (row: RewardRow): RewardRecord => ({
  id: row.id,
  name: row.name,
  description: row.description,
  pointsPrice: Number(row.points_price),
  stock: row.stock === null ? null : Number(row.stock),
  validFrom: row.valid_from,
  validUntil: row.valid_until,
  minTier: row.min_tier,
  createdAt: row.created_at,
});

/** The only SQL of the rewards catalogue and its stock. Writes in a redemption take the caller's transaction (`manager`). */
@Injectable()
export class RewardsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(reward: Omit<RewardRecord, 'createdAt'>): Promise<RewardRecord> {
    const [row]: RewardRow[] = await this.dataSource.query(
      `INSERT INTO loyalty.rewards (id, name, description, points_price, stock, valid_from, valid_until, min_tier)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${REWARD_COLUMNS}`,
      [
        reward.id,
        reward.name,
        reward.description,
        reward.pointsPrice,
        reward.stock,
        reward.validFrom,
        reward.validUntil,
        reward.minTier,
      ],
    );
    return toReward(row!);
  }

  /** Keyset on the id. */
  async list(limit: number, after?: string): Promise<RewardRecord[]> {
    const rows: RewardRow[] = await this.dataSource.query(
      `SELECT ${REWARD_COLUMNS} FROM loyalty.rewards WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2`,
      [after ?? null, limit],
    );
    return rows.map(toReward);
  }

  async lock(manager: EntityManager, rewardId: string): Promise<RewardRecord | undefined> {
    const [row]: RewardRow[] = await manager.query(
      `SELECT ${REWARD_COLUMNS} FROM loyalty.rewards WHERE id = $1 FOR UPDATE`,
      [rewardId],
    );
    return row ? toReward(row) : undefined;
  }

  /** False when none is left (unlimited stock always gives one). */
  async takeFromStock(manager: EntityManager, rewardId: string): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [, affected]: [unknown, number] = await manager.query(
      `UPDATE loyalty.rewards SET stock = stock - 1 WHERE id = $1 AND (stock IS NULL OR stock > 0)`,
      [rewardId],
    );
    return affected === 1;
  }

  /** Gives released items back; the reward rows are locked in id order, so concurrent releases never wait on each other in a cycle. */
  async restock(manager: EntityManager, counts: ReadonlyMap<string, number>): Promise<void> {
    if (counts.size === 0) return;
    const ids = [...counts.keys()].sort();
    await manager.query(`SELECT id FROM loyalty.rewards WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
    await manager.query(
      `UPDATE loyalty.rewards w SET stock = w.stock + b.n FROM unnest($1::uuid[], $2::int[]) AS b(id, n) WHERE w.id = b.id AND w.stock IS NOT NULL`,
      [ids, ids.map((id) => counts.get(id)!)],
    );
  }
}
