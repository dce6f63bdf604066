import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A stored answer: absent `completedAt` while the first request still runs. */
export interface StoredIdempotentReply {
  requestHash: string;
  /** Null until the first request completes. */
  status: number | null;
  contentType: string | null;
  /** The answer's body as JSON text (null: none). */
  response: string | null;
  completedAt: Date | null;
}

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Claims the key for a first request; false when the caller already used it. */
  async claim(caller: string, key: string, requestHash: string): Promise<boolean> {
    const inserted = await this.dataSource.query(
      `INSERT INTO gateway.idempotency_keys (caller, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (caller, key) DO NOTHING RETURNING key`,
      [caller, key, requestHash],
    );
    return inserted.length > 0;
  }

  async complete(
    caller: string,
    key: string,
    reply: { status: number; contentType: string; body: unknown },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE gateway.idempotency_keys SET status = $3, content_type = $4, response = $5, completed_at = now()
        WHERE caller = $1 AND key = $2`,
      [caller, key, reply.status, reply.contentType, reply.body === undefined ? null : JSON.stringify(reply.body)],
    );
  }

  async find(caller: string, key: string): Promise<StoredIdempotentReply | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT request_hash, status, content_type, response, completed_at FROM gateway.idempotency_keys WHERE caller = $1 AND key = $2`,
      [caller, key],
    );
    return row
      ? {
          requestHash: row.request_hash,
          status: row.status,
          contentType: row.content_type,
          response: row.response,
          completedAt: row.completed_at,
        }
      : undefined;
  }

  async forget(caller: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM gateway.idempotency_keys WHERE caller = $1 AND key = $2`, [caller, key]);
  }

  /**
   * Erasure: the stored replies that carry the customer's id carry their data too (a create's reply
   * is the whole record). Matched as text over the 24 hours of keys kept; the count is what went.
   */
  async deleteMentioning(customerId: string): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM gateway.idempotency_keys WHERE strpos(response, $1) > 0`,
      [customerId],
    );
    return count;
  }

  async deleteOlderThan(hours: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM gateway.idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`,
      [hours],
    );
  }
}
