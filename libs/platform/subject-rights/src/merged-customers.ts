import { Inject, Injectable } from '@nestjs/common';
import { quoteIdent } from '@rapport/platform-messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@rapport/platform-runtime';
import type { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `merged_customers` table the library keeps in a participant's schema: ids merged into another
 * customer. List it among the service's migrations; the class name (`CreateMergedCustomers<timestamp>`)
 * is what the migrations table records, so a service that had its own copy of this migration passes
 * the same timestamp and it is not run twice.
 */
export function mergedCustomersMigration(schema: string, timestamp: number): new () => MigrationInterface {
  const s = quoteIdent(schema);
  const name = `CreateMergedCustomers${timestamp}`;
  const migration = class implements MigrationInterface {
    name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`
        CREATE TABLE IF NOT EXISTS ${s}.merged_customers (
          merged_customer_id   uuid PRIMARY KEY,
          survivor_customer_id uuid NOT NULL,
          merged_at            timestamptz NOT NULL
        )`);
      await queryRunner.query(
        `CREATE INDEX IF NOT EXISTS merged_customers_survivor ON ${s}.merged_customers (survivor_customer_id)`,
      );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE ${s}.merged_customers`);
    }
  };
  // TypeORM reads the timestamp from the class name when it orders migrations.
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}

/**
 * Ids merged away. customer.merged is keyed by the survivor, so it can overtake the merged customer's
 * own events (another partition): a feature asks `isMergedAway` before it creates anything under an id.
 */
@Injectable()
export class MergedCustomers {
  private readonly table: string;

  constructor(@Inject(SERVICE_CONFIG) config: Pick<ServiceConfig, 'DB_SCHEMA'>) {
    this.table = `${quoteIdent(config.DB_SCHEMA)}.merged_customers`;
  }

  async record(
    manager: EntityManager,
    merge: { mergedId: string; survivorId: string; mergedAt: string },
  ): Promise<void> {
    await lockCustomer(manager, merge.mergedId);
    await manager.query(
      `INSERT INTO ${this.table} (merged_customer_id, survivor_customer_id, merged_at) VALUES ($1, $2, $3)
       ON CONFLICT (merged_customer_id) DO NOTHING`,
      [merge.mergedId, merge.survivorId, merge.mergedAt],
    );
    // A chain A -> B -> C: A now lives in C, and erasing C must reach A's record too.
    await manager.query(`UPDATE ${this.table} SET survivor_customer_id = $2 WHERE survivor_customer_id = $1`, [
      merge.mergedId,
      merge.survivorId,
    ]);
  }

  /**
   * Whether the id was merged into another customer. It takes the lock `record` takes, so a creation
   * and a merge of the same id running at once on two partitions are applied one after the other, and
   * the later one sees the earlier (read committed reads what committed before each statement).
   */
  async isMergedAway(manager: EntityManager, customerId: string): Promise<boolean> {
    await lockCustomer(manager, customerId);
    const rows: unknown[] = await manager.query(`SELECT 1 FROM ${this.table} WHERE merged_customer_id = $1`, [
      customerId,
    ]);
    return rows.length > 0;
  }

  /**
   * The customer an id lives in now: its survivor when it was merged away (`record` keeps chains flat),
   * else the id itself. Takes the lock `isMergedAway` takes, with the same effect.
   */
  async survivorOf(manager: EntityManager, customerId: string): Promise<string> {
    await lockCustomer(manager, customerId);
    const [row]: Array<{ survivor_customer_id: string }> = await manager.query(
      `SELECT survivor_customer_id FROM ${this.table} WHERE merged_customer_id = $1`,
      [customerId],
    );
    return row?.survivor_customer_id ?? customerId;
  }

  /** The erased customer's former ids are personal data as well; returns how many went. */
  async forget(manager: EntityManager, customerId: string): Promise<number> {
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected]: [unknown[], number] = await manager.query(
      `DELETE FROM ${this.table} WHERE survivor_customer_id = $1 OR merged_customer_id = $1`,
      [customerId],
    );
    return affected;
  }
}

/** Held to the end of the transaction; keyed by the id, so only work on the same customer waits. */
async function lockCustomer(manager: EntityManager, customerId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`merged-customers:${customerId}`]);
}
