import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ProblemException } from '@rapport/platform-http';
import { DataSource } from 'typeorm';
import type { UpstreamResponse } from '../upstream/upstream.client';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const RETENTION_HOURS = 24;

/**
 * `Idempotency-Key` on POST: the first request with a key runs and its answer is stored; a retry with
 * the same key and body gets that answer again (no second effect); the same key with another body is
 * refused with 422; a retry while the first is still running gets 409. Keys are per caller and kept
 * for 24 hours. 5xx answers are not stored, so a retry after a failure runs again.
 */
@Injectable()
export class IdempotencyService {
  private lastCleanup = 0;

  constructor(private readonly dataSource: DataSource) {}

  async run(
    caller: string,
    key: string | undefined,
    request: { method: string; path: string; body: unknown },
    execute: () => Promise<UpstreamResponse>,
  ): Promise<UpstreamResponse & { replayed?: boolean }> {
    if (key === undefined) return execute();
    if (!KEY_PATTERN.test(key)) {
      throw new ProblemException('validation', 'Idempotency-Key must be 1 to 255 visible ASCII characters', {
        errors: [{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }],
      });
    }
    await this.cleanup();
    const hash = createHash('sha256')
      .update(`${request.method} ${request.path}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const inserted = await this.dataSource.query(
      `INSERT INTO gateway.idempotency_keys (caller, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (caller, key) DO NOTHING RETURNING key`,
      [caller, key, hash],
    );
    if (inserted.length === 0) return this.replay(caller, key, hash);
    let response: UpstreamResponse;
    try {
      response = await execute();
    } catch (error) {
      await this.forget(caller, key);
      throw error;
    }
    if (response.status >= 500) {
      await this.forget(caller, key);
    } else {
      await this.dataSource.query(
        `UPDATE gateway.idempotency_keys SET status = $3, content_type = $4, response = $5, completed_at = now()
          WHERE caller = $1 AND key = $2`,
        [caller, key, response.status, response.contentType, response.body === undefined ? null : JSON.stringify(response.body)],
      );
    }
    return response;
  }

  private async replay(caller: string, key: string, hash: string): Promise<UpstreamResponse & { replayed: true }> {
    const [row] = await this.dataSource.query(
      `SELECT request_hash, status, content_type, response, completed_at FROM gateway.idempotency_keys WHERE caller = $1 AND key = $2`,
      [caller, key],
    );
    if (!row) throw new ProblemException('conflict', 'The request with this Idempotency-Key is being retried; try again');
    if (row.request_hash !== hash) {
      throw new ProblemException('unprocessable', 'This Idempotency-Key was used with a different request');
    }
    if (!row.completed_at) throw new ProblemException('conflict', 'A request with this Idempotency-Key is still in progress');
    return {
      status: row.status,
      contentType: row.content_type,
      body: row.response === null ? undefined : JSON.parse(row.response),
      replayed: true,
    };
  }

  private async forget(caller: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM gateway.idempotency_keys WHERE caller = $1 AND key = $2`, [caller, key]);
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    await this.dataSource.query(
      `DELETE FROM gateway.idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`,
      [RETENTION_HOURS],
    );
  }
}
