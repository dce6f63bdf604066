import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { WechatMessage, WechatMessageKind } from './wechat-message';

export interface WechatMessageRecord {
  id: string;
  openid: string;
  kind: WechatMessageKind;
  content: string | null;
  sentAt: Date;
  receivedAt: Date;
  customerId: string | null;
  interactionId: string | null;
}

interface WechatMessageRow {
  id: string;
  openid: string;
  kind: WechatMessageKind;
  content: string | null;
  sent_at: Date;
  received_at: Date;
  customer_id: string | null;
  interaction_id: string | null;
}

const COLUMNS = 'id, openid, kind, content, sent_at, received_at, customer_id, interaction_id';

/** The only SQL of the WeChat channel. */
@Injectable()
export class WechatRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a delivery once: undefined when WeChat retried one already taken. */
  async insertMessage(
    manager: EntityManager,
    id: string,
    message: WechatMessage & { kind: WechatMessageKind },
    openidDigest: string,
    receivedAt: Date,
  ): Promise<WechatMessageRecord | undefined> {
    const rows: WechatMessageRow[] = await manager.query(
      `INSERT INTO interaction.wechat_messages (id, message_key, openid, openid_digest, kind, content, sent_at, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (message_key) DO NOTHING RETURNING ${COLUMNS}`,
      [id, message.key, message.openid, openidDigest, message.kind, message.content, message.sentAt, receivedAt],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The customer whose wechat_openid identifier has this digest (the most recent one, should two claim it). */
  async customerOf(manager: EntityManager, openidDigest: string): Promise<string | undefined> {
    const rows: { customer_id: string }[] = await manager.query(
      `SELECT customer_id FROM interaction.customer_refs WHERE wechat_openid_digest = $1
        ORDER BY created_at DESC LIMIT 1`,
      [openidDigest],
    );
    return rows[0]?.customer_id;
  }

  /**
   * Whether the customer follows the Official Account (customer-profile named their openid), and the
   * openid to reply to: the sender of their latest message (events carry only the openid's digest).
   */
  async replyAddressOf(customerId: string): Promise<{ follower: boolean; openid: string | null }> {
    const rows: { follower: boolean; openid: string | null }[] = await this.dataSource.query(
      `SELECT r.wechat_openid_digest IS NOT NULL AS follower,
              (SELECT m.openid FROM interaction.wechat_messages m WHERE m.customer_id = r.customer_id
                ORDER BY m.received_at DESC, m.id LIMIT 1) AS openid
         FROM interaction.customer_refs r WHERE r.customer_id = $1`,
      [customerId],
    );
    return { follower: rows[0]?.follower ?? false, openid: rows[0]?.openid ?? null };
  }

  /** Whether a lead was not yet asked for this openid (and now is: once per openid). */
  async requestLead(manager: EntityManager, openid: string, at: Date): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO interaction.wechat_leads (openid, requested_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      [openid, at],
    );
    return rows.length > 0;
  }

  /**
   * Held messages whose sender is now a known customer, oldest first, claimed until the caller's
   * transaction ends (SKIP LOCKED: replicas share the work, none logs a message twice).
   */
  async claimMatched(
    manager: EntityManager,
    limit: number,
  ): Promise<(WechatMessageRecord & { matchedCustomerId: string })[]> {
    const rows: (WechatMessageRow & { matched_customer_id: string })[] = await manager.query(
      `SELECT m.id, m.openid, m.kind, m.content, m.sent_at, m.received_at, m.customer_id, m.interaction_id,
              c.customer_id AS matched_customer_id
         FROM interaction.wechat_messages m
         JOIN LATERAL (SELECT r.customer_id FROM interaction.customer_refs r WHERE r.wechat_openid_digest = m.openid_digest
                        ORDER BY r.created_at DESC LIMIT 1) c ON true
        WHERE m.interaction_id IS NULL
        ORDER BY m.received_at, m.id
        LIMIT $1
        FOR UPDATE OF m SKIP LOCKED`,
      [limit],
    );
    return rows.map((row) => ({ ...toRecord(row), matchedCustomerId: row.matched_customer_id }));
  }

  async markLogged(manager: EntityManager, id: string, customerId: string, interactionId: string): Promise<void> {
    await manager.query(`UPDATE interaction.wechat_messages SET customer_id = $2, interaction_id = $3 WHERE id = $1`, [
      id,
      customerId,
      interactionId,
    ]);
  }

  /**
   * When the customer last wrote on WeChat (an inbound WeChat contact in the log), if ever. Leaving the
   * Official Account opens no window.
   */
  async lastInboundAt(manager: EntityManager, customerId: string): Promise<Date | null> {
    const rows: { at: Date | null }[] = await manager.query(
      `SELECT max(occurred_at) AS at FROM interaction.interactions
        WHERE customer_id = $1 AND channel = 'wechat' AND direction = 'inbound'
          AND outcome IS DISTINCT FROM 'wechat-unsubscribe'`,
      [customerId],
    );
    return rows[0]?.at ?? null;
  }

  async ofCustomer(customerId: string): Promise<WechatMessageRecord[]> {
    const rows: WechatMessageRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM interaction.wechat_messages WHERE customer_id = $1 ORDER BY sent_at, id`,
      [customerId],
    );
    return rows.map(toRecord);
  }

  async rekey(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(`UPDATE interaction.wechat_messages SET customer_id = $2 WHERE customer_id = $1`, [
      mergedId,
      survivorId,
    ]);
  }

  /**
   * The customer's messages, and everything held under the customer's openid (messages not yet logged,
   * the lead request). Runs before the customer reference goes, which holds the openid.
   */
  async erase(manager: EntityManager, customerId: string): Promise<number> {
    const digest = `(SELECT wechat_openid_digest FROM interaction.customer_refs WHERE customer_id = $1)`;
    const openids: { openid: string }[] = await manager.query(
      `SELECT DISTINCT openid FROM interaction.wechat_messages WHERE customer_id = $1 OR openid_digest = ${digest}`,
      [customerId],
    );
    const list = openids.map((o) => o.openid);
    const [, affected]: [unknown[], number] = await manager.query(
      `DELETE FROM interaction.wechat_messages
        WHERE customer_id = $1 OR openid_digest = ${digest} OR openid = ANY($2::text[])`,
      [customerId, list],
    );
    await manager.query(`DELETE FROM interaction.wechat_leads WHERE openid = ANY($1::text[])`, [list]);
    return affected;
  }
}

function toRecord(row: WechatMessageRow): WechatMessageRecord {
  return {
    id: row.id,
    openid: row.openid,
    kind: row.kind,
    content: row.content,
    sentAt: row.sent_at,
    receivedAt: row.received_at,
    customerId: row.customer_id,
    interactionId: row.interaction_id,
  };
}
