import { Injectable } from '@nestjs/common';
import type { ErasureAcknowledgement } from '@rapport/contracts';
import { DataSource, type EntityManager } from 'typeorm';

export interface ErasureRequestRecord {
  id: string;
  customerId: string;
  requestedBy: string;
  requestedAt: Date;
  expectedServices: string[];
  completedAt: Date | null;
}

export interface AcknowledgementRecord {
  service: string;
  acknowledgedAt: Date;
  removed: Record<string, number>;
  kept: ErasureAcknowledgement['kept'];
}

/** What customer-profile holds on a customer, counted by kind, read just before it is erased. */
export interface HeldCounts {
  identifiers: number;
  contactPersons: number;
  consentRecords: number;
  duplicatePairs: number;
  segmentMemberships: number;
  purchases: number;
}

interface RequestRow {
  id: string;
  customer_id: string;
  requested_by: string;
  requested_at: Date;
  expected_services: string[];
  completed_at: Date | null;
}

/** The only place of SQL for erasure requests and their acknowledgements. */
@Injectable()
export class ErasuresRepository {
  constructor(private readonly dataSource: DataSource) {}

  async countHeld(manager: EntityManager, customerId: string): Promise<HeldCounts> {
    const [row]: Record<keyof HeldCounts, string>[] = await manager.query(
      `SELECT
         (SELECT count(*) FROM customer_profile.customer_identifiers WHERE customer_id = $1) AS "identifiers",
         (SELECT count(*) FROM customer_profile.customer_contacts WHERE customer_id = $1) AS "contactPersons",
         (SELECT count(*) FROM customer_profile.consent_records WHERE customer_id = $1) AS "consentRecords",
         (SELECT count(*) FROM customer_profile.duplicate_candidates WHERE customer_id = $1 OR duplicate_of_id = $1) AS "duplicatePairs",
         (SELECT count(*) FROM customer_profile.segment_members WHERE customer_id = $1) AS "segmentMemberships",
         (SELECT count(*) FROM customer_profile.purchases WHERE customer_id = $1) AS "purchases"`,
      [customerId],
    );
    return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)])) as unknown as HeldCounts;
  }

  async insertRequest(
    manager: EntityManager,
    request: Omit<ErasureRequestRecord, 'requestedAt' | 'completedAt'>,
  ): Promise<ErasureRequestRecord> {
    const [row]: RequestRow[] = await manager.query(
      `INSERT INTO customer_profile.erasure_requests (id, customer_id, requested_by, expected_services) VALUES ($1, $2, $3, $4)
       RETURNING id, customer_id, requested_by, requested_at, expected_services, completed_at`,
      [request.id, request.customerId, request.requestedBy, request.expectedServices],
    );
    return toRequest(row!);
  }

  /** The request, locked: acknowledgements of one request are recorded one after the other, so exactly one of them completes it. */
  async lockRequest(manager: EntityManager, id: string): Promise<ErasureRequestRecord | null> {
    const [row]: RequestRow[] = await manager.query(
      `SELECT id, customer_id, requested_by, requested_at, expected_services, completed_at
         FROM customer_profile.erasure_requests WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row ? toRequest(row) : null;
  }

  async findRequest(id: string): Promise<ErasureRequestRecord | null> {
    const [row]: RequestRow[] = await this.dataSource.query(
      `SELECT id, customer_id, requested_by, requested_at, expected_services, completed_at FROM customer_profile.erasure_requests WHERE id = $1`,
      [id],
    );
    return row ? toRequest(row) : null;
  }

  /** Records a service's acknowledgement once; false when the service had acknowledged this request already. */
  async insertAcknowledgement(manager: EntityManager, erasureId: string, ack: AcknowledgementRecord): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO customer_profile.erasure_acknowledgements (erasure_id, service, acknowledged_at, removed, kept)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (erasure_id, service) DO NOTHING RETURNING service`,
      [erasureId, ack.service, ack.acknowledgedAt, JSON.stringify(ack.removed), JSON.stringify(ack.kept)],
    );
    return rows.length > 0;
  }

  async acknowledgements(
    erasureId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AcknowledgementRecord[]> {
    const rows: {
      service: string;
      acknowledged_at: Date;
      removed: Record<string, number>;
      kept: AcknowledgementRecord['kept'];
    }[] = await manager.query(
      `SELECT service, acknowledged_at, removed, kept FROM customer_profile.erasure_acknowledgements WHERE erasure_id = $1 ORDER BY service`,
      [erasureId],
    );
    return rows.map((r) => ({
      service: r.service,
      acknowledgedAt: r.acknowledged_at,
      removed: r.removed,
      kept: r.kept,
    }));
  }

  /** Requests not yet acknowledged by every expected service, and the age of the oldest of them (0 when none). */
  async openSummary(): Promise<{ open: number; oldestAgeSeconds: number }> {
    const [row]: { open: string; oldest_age_seconds: string }[] = await this.dataSource.query(
      `SELECT count(*) AS open, coalesce(extract(epoch FROM now() - min(requested_at)), 0) AS oldest_age_seconds
         FROM customer_profile.erasure_requests WHERE completed_at IS NULL`,
    );
    return { open: Number(row!.open), oldestAgeSeconds: Number(row!.oldest_age_seconds) };
  }

  async markCompleted(manager: EntityManager, id: string): Promise<void> {
    await manager.query(
      `UPDATE customer_profile.erasure_requests SET completed_at = now() WHERE id = $1 AND completed_at IS NULL`,
      [id],
    );
  }
}

function toRequest(r: RequestRow): ErasureRequestRecord {
  return {
    id: r.id,
    customerId: r.customer_id,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    expectedServices: r.expected_services,
    completedAt: r.completed_at,
  };
}
