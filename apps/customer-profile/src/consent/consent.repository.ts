import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface ConsentRecord {
  id: string;
  channel: 'email' | 'sms' | 'phone' | 'wechat';
  purpose: 'marketing' | 'service' | 'analytics';
  granted: boolean;
  source: string;
  legalBasis: string;
  occurredAt: Date;
  recordedAt: Date;
  recordedBy: string;
}

const COLUMNS = `id, channel, purpose, granted, source, legal_basis AS "legalBasis", occurred_at AS "occurredAt",
  recorded_at AS "recordedAt", recorded_by AS "recordedBy"`;

/** Consent is an append-only log; the current state per channel and purpose is its latest record. */
@Injectable()
export class ConsentRepository {
  async append(
    manager: EntityManager,
    customerId: string,
    record: Omit<ConsentRecord, 'id' | 'recordedAt'>,
  ): Promise<ConsentRecord> {
    const rows: ConsentRecord[] = await manager.query(
      `INSERT INTO customer_profile.consent_records (id, customer_id, channel, purpose, granted, source, legal_basis, occurred_at, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        customerId,
        record.channel,
        record.purpose,
        record.granted,
        record.source,
        record.legalBasis,
        record.occurredAt,
        record.recordedBy,
      ],
    );
    return rows[0]!;
  }

  async current(manager: EntityManager, customerId: string): Promise<ConsentRecord[]> {
    return manager.query(
      `SELECT DISTINCT ON (channel, purpose) ${COLUMNS} FROM customer_profile.consent_records
        WHERE customer_id = $1 ORDER BY channel, purpose, occurred_at DESC, recorded_at DESC`,
      [customerId],
    );
  }

  async history(manager: EntityManager, customerId: string): Promise<ConsentRecord[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM customer_profile.consent_records WHERE customer_id = $1 ORDER BY occurred_at DESC, recorded_at DESC`,
      [customerId],
    );
  }

  /** A merge moves the merged customer's consent log to the survivor; the latest record per channel and purpose wins. */
  async reassign(manager: EntityManager, fromId: string, toId: string): Promise<void> {
    await manager.query(`UPDATE customer_profile.consent_records SET customer_id = $2 WHERE customer_id = $1`, [
      fromId,
      toId,
    ]);
  }

  /**
   * Erasure keeps the consent log's shape (what was allowed when, on which legal basis: the proof
   * of lawful processing) but drops who recorded it and free-text sources, which may name people.
   */
  async anonymise(manager: EntityManager, customerId: string): Promise<void> {
    await manager.query(
      `UPDATE customer_profile.consent_records SET source = 'erased', recorded_by = 'erased' WHERE customer_id = $1`,
      [customerId],
    );
  }
}
