import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface ReferralRecord {
  referrerId: string;
  status: 'pending' | 'completed';
}

interface ReferralRow {
  referrer_id: string;
  status: 'pending' | 'completed';
}

const toReferral = (row: ReferralRow): ReferralRecord => ({ referrerId: row.referrer_id, status: row.status });

/**
 * The only SQL of referrals: codes, referrals, and the contact fingerprints the referral rules
 * compare (keyed hashes of phones, emails and identifiers; never the contacts themselves).
 */
@Injectable()
export class ReferralsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The member's referral code, issued on first ask; false when the candidate code is taken (retry with another). */
  async issueCode(customerId: string, candidate: string): Promise<string | false> {
    await this.dataSource.query(
      `INSERT INTO loyalty.referral_codes (customer_id, code) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [customerId, candidate],
    );
    const [row]: Array<{ code: string }> = await this.dataSource.query(
      `SELECT code FROM loyalty.referral_codes WHERE customer_id = $1`,
      [customerId],
    );
    return row ? row.code : false;
  }

  async referrerByCode(manager: EntityManager, code: string): Promise<string | undefined> {
    const [row]: Array<{ customer_id: string }> = await manager.query(
      `SELECT customer_id FROM loyalty.referral_codes WHERE code = $1`,
      [code],
    );
    return row?.customer_id;
  }

  /** The referral of a referred customer, locked for the transaction. */
  async lockOf(manager: EntityManager, referredId: string): Promise<ReferralRecord | undefined> {
    const [row]: ReferralRow[] = await manager.query(
      `SELECT referrer_id, status FROM loyalty.referrals WHERE referred_id = $1 FOR UPDATE`,
      [referredId],
    );
    return row ? toReferral(row) : undefined;
  }

  async insert(manager: EntityManager, referredId: string, referrerId: string): Promise<Date> {
    const [row]: Array<{ created_at: Date }> = await manager.query(
      `INSERT INTO loyalty.referrals (referred_id, referrer_id, status) VALUES ($1, $2, 'pending') RETURNING created_at`,
      [referredId, referrerId],
    );
    return row!.created_at;
  }

  async complete(manager: EntityManager, referredId: string): Promise<void> {
    await manager.query(
      `UPDATE loyalty.referrals SET status = 'completed', completed_at = now() WHERE referred_id = $1`,
      [referredId],
    );
  }

  /**
   * A merge of `fromId` into `toId`, under both members' locks. A referral between the two is moot:
   * a pending one goes, a completed one stays as it was (its points were paid and moved with the
   * balance). The merged-away member's referrals of others become the survivor's. Its own referral
   * (by someone else) moves to the survivor when the survivor has none and, while still pending, had
   * no purchase of its own (a referral is registered before the first purchase); otherwise a pending
   * one goes and a completed one stays as history. Its referral code moves when the survivor has
   * none; otherwise it stays, and a friend using it reaches the survivor (codes resolve through merges).
   */
  async merge(manager: EntityManager, fromId: string, toId: string, survivorHasPurchases: boolean): Promise<void> {
    await manager.query(
      `DELETE FROM loyalty.referrals WHERE status = 'pending' AND ((referred_id = $1 AND referrer_id = $2) OR (referred_id = $2 AND referrer_id = $1))`,
      [fromId, toId],
    );
    await manager.query(`UPDATE loyalty.referrals SET referrer_id = $2 WHERE referrer_id = $1 AND referred_id <> $2`, [
      fromId,
      toId,
    ]);
    await manager.query(
      `DELETE FROM loyalty.referrals WHERE referred_id = $1 AND status = 'pending'
         AND ($3::boolean OR EXISTS (SELECT 1 FROM loyalty.referrals s WHERE s.referred_id = $2))`,
      [fromId, toId, survivorHasPurchases],
    );
    await manager.query(
      `UPDATE loyalty.referrals SET referred_id = $2 WHERE referred_id = $1 AND referrer_id <> $2
         AND NOT EXISTS (SELECT 1 FROM loyalty.referrals s WHERE s.referred_id = $2)`,
      [fromId, toId],
    );
    await manager.query(
      `UPDATE loyalty.referral_codes SET customer_id = $2 WHERE customer_id = $1 AND NOT EXISTS (SELECT 1 FROM loyalty.referral_codes s WHERE s.customer_id = $2)`,
      [fromId, toId],
    );
  }

  /** A referral code is an identifier others can use to find the person: erasure removes it. */
  async dropCode(manager: EntityManager, customerId: string): Promise<number> {
    const [, affected]: [unknown, number] = await manager.query(
      `DELETE FROM loyalty.referral_codes WHERE customer_id = $1`,
      [customerId],
    );
    return affected;
  }

  /** The customer's whole current set replaces the one held; an empty set clears it. */
  async replaceFingerprints(
    manager: EntityManager,
    customerId: string,
    fingerprints: readonly string[],
  ): Promise<void> {
    await this.dropFingerprints(manager, customerId);
    if (fingerprints.length === 0) return;
    await manager.query(
      `INSERT INTO loyalty.member_fingerprints (customer_id, fingerprint) SELECT $1, f FROM unnest($2::text[]) AS f ON CONFLICT DO NOTHING`,
      [customerId, fingerprints],
    );
  }

  async dropFingerprints(manager: EntityManager, customerId: string): Promise<number> {
    const [, affected]: [unknown, number] = await manager.query(
      `DELETE FROM loyalty.member_fingerprints WHERE customer_id = $1`,
      [customerId],
    );
    return affected;
  }

  /** Whether the two customers share a phone, email or identifier (equal fingerprints). */
  async shareContact(manager: EntityManager, customerId: string, otherId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM loyalty.member_fingerprints a JOIN loyalty.member_fingerprints b ON b.fingerprint = a.fingerprint AND b.customer_id = $2
        WHERE a.customer_id = $1 LIMIT 1`,
      [customerId, otherId],
    );
    return rows.length > 0;
  }
}
