import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ProblemException } from '@rapport/platform-http';
import type { UpstreamResponse } from '../upstream/upstream.client';
import { IdempotencyRepository } from './idempotency.repository';

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

  constructor(private readonly keys: IdempotencyRepository) {}

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
    if (!(await this.keys.claim(caller, key, hash))) return this.replay(caller, key, hash);
    let response: UpstreamResponse;
    try {
      response = await execute();
    } catch (error) {
      await this.keys.forget(caller, key);
      throw error;
    }
    if (response.status >= 500) {
      await this.keys.forget(caller, key);
    } else {
      await this.keys.complete(caller, key, response);
    }
    return response;
  }

  /** Erasure: no stored reply may hand the customer's data out again. Answers how many were removed. */
  forgetCustomer(customerId: string): Promise<number> {
    return this.keys.deleteMentioning(customerId);
  }

  private async replay(caller: string, key: string, hash: string): Promise<UpstreamResponse & { replayed: true }> {
    const row = await this.keys.find(caller, key);
    if (!row)
      throw new ProblemException('conflict', 'The request with this Idempotency-Key is being retried; try again');
    if (row.requestHash !== hash) {
      throw new ProblemException('unprocessable', 'This Idempotency-Key was used with a different request');
    }
    if (!row.completedAt || row.status === null || row.contentType === null) {
      throw new ProblemException('conflict', 'A request with this Idempotency-Key is still in progress');
    }
    return {
      status: row.status,
      contentType: row.contentType,
      body: row.response === null ? undefined : JSON.parse(row.response),
      replayed: true,
    };
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    await this.keys.deleteOlderThan(RETENTION_HOURS);
  }
}
