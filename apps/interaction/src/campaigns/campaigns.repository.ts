import { Injectable } from '@nestjs/common';
import type { CampaignChannel, CampaignPurpose, CampaignRecipientState, CampaignStatus } from '@rapport/contracts';
import { DataSource, type EntityManager } from 'typeorm';

export interface CampaignRecord {
  id: string;
  name: string;
  channel: CampaignChannel;
  purpose: CampaignPurpose;
  subject: string | null;
  body: string;
  status: CampaignStatus;
  createdAt: Date;
  createdBy: string;
  sendStartedAt: Date | null;
  completedAt: Date | null;
  counts: Record<CampaignRecipientState, number>;
}

export interface NewRecipient {
  customerId: string;
  address: string;
  fields: Record<string, string>;
  messageId: string;
}

/** A queued recipient claimed by the sender, with its campaign's templates and the consent as it stands. */
export interface ClaimedRecipient {
  campaignId: string;
  customerId: string;
  address: string;
  fields: Record<string, string>;
  messageId: string;
  channel: CampaignChannel;
  purpose: CampaignPurpose;
  subject: string | null;
  body: string;
}

export interface RecipientRecord {
  customerId: string;
  state: CampaignRecipientState;
  reason: string | null;
  messageId: string;
  updatedAt: string;
}

export interface ConsentChange {
  customerId: string;
  channel: string;
  purpose: string;
  granted: boolean;
  changedAt: string;
}

const ZERO_COUNTS: Record<CampaignRecipientState, number> = {
  queued: 0,
  skipped: 0,
  sent: 0,
  failed: 0,
  bounced: 0,
  unsubscribed: 0,
};

/** The only SQL of campaigns and of interaction's copy of consent. */
@Injectable()
export class CampaignsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    campaign: Omit<CampaignRecord, 'status' | 'sendStartedAt' | 'completedAt' | 'counts'>,
    recipients: NewRecipient[],
  ): Promise<void> {
    await manager.query(
      `INSERT INTO interaction.campaigns (id, name, channel, purpose, subject_template, body_template, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        campaign.id,
        campaign.name,
        campaign.channel,
        campaign.purpose,
        campaign.subject,
        campaign.body,
        campaign.createdAt,
        campaign.createdBy,
      ],
    );
    await manager.query(
      `INSERT INTO interaction.campaign_recipients (campaign_id, customer_id, address, fields, message_id)
       SELECT $1, x.customer_id, x.address, x.fields, x.message_id
         FROM unnest($2::uuid[], $3::text[], $4::jsonb[], $5::text[]) AS x (customer_id, address, fields, message_id)`,
      [
        campaign.id,
        recipients.map((r) => r.customerId),
        recipients.map((r) => r.address),
        recipients.map((r) => JSON.stringify(r.fields)),
        recipients.map((r) => r.messageId),
      ],
    );
  }

  async find(
    id: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<CampaignRecord | undefined> {
    const [row] = await manager.query(
      `SELECT id, name, channel, purpose, subject_template, body_template, status, created_at, created_by,
              send_started_at, completed_at
         FROM interaction.campaigns WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    if (!row) return undefined;
    const counts: { state: CampaignRecipientState; n: number }[] = await manager.query(
      `SELECT state, count(*)::int AS n FROM interaction.campaign_recipients WHERE campaign_id = $1 GROUP BY state`,
      [id],
    );
    return {
      id: row.id,
      name: row.name,
      channel: row.channel,
      purpose: row.purpose,
      subject: row.subject_template,
      body: row.body_template,
      status: row.status,
      createdAt: row.created_at,
      createdBy: row.created_by,
      sendStartedAt: row.send_started_at,
      completedAt: row.completed_at,
      counts: { ...ZERO_COUNTS, ...Object.fromEntries(counts.map((c) => [c.state, c.n])) },
    };
  }

  async startSending(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE interaction.campaigns SET status = 'sending', send_started_at = $2 WHERE id = $1 AND status = 'draft'`,
      [id, at],
    );
  }

  /**
   * Claims up to `limit` queued recipients of campaigns being sent, row-locked until the caller's
   * transaction ends (`SKIP LOCKED`: another sender takes others), together with their consent rows
   * locked FOR SHARE: a withdrawal consumed meanwhile waits until this batch is decided, so the consent
   * each message is sent under is the consent as it stands at that moment.
   */
  async claimQueued(
    manager: EntityManager,
    limit: number,
  ): Promise<{ recipients: ClaimedRecipient[]; consent: Map<string, boolean> }> {
    const rows: {
      campaign_id: string;
      customer_id: string;
      address: string;
      fields: Record<string, string>;
      message_id: string;
      channel: CampaignChannel;
      purpose: CampaignPurpose;
      subject_template: string | null;
      body_template: string;
    }[] = await manager.query(
      `SELECT r.campaign_id, r.customer_id, r.address, r.fields, r.message_id,
              c.channel, c.purpose, c.subject_template, c.body_template
         FROM interaction.campaign_recipients r JOIN interaction.campaigns c ON c.id = r.campaign_id
        WHERE r.state = 'queued' AND c.status = 'sending'
        ORDER BY r.campaign_id, r.customer_id
        LIMIT $1
        FOR UPDATE OF r SKIP LOCKED`,
      [limit],
    );
    const recipients = rows.map((r) => ({
      campaignId: r.campaign_id,
      customerId: r.customer_id,
      address: r.address,
      fields: r.fields,
      messageId: r.message_id,
      channel: r.channel,
      purpose: r.purpose,
      subject: r.subject_template,
      body: r.body_template,
    }));
    const consent = new Map<string, boolean>();
    if (recipients.length === 0) return { recipients, consent };
    const consents: { customer_id: string; channel: string; purpose: string; granted: boolean }[] = await manager.query(
      `SELECT customer_id, channel, purpose, granted FROM interaction.consents
        WHERE customer_id = ANY($1::uuid[]) FOR SHARE`,
      [[...new Set(recipients.map((r) => r.customerId))]],
    );
    for (const c of consents) consent.set(consentKey(c.customer_id, c.channel, c.purpose), c.granted);
    return { recipients, consent };
  }

  /** The outcome of each claimed recipient, in the transaction that claimed them. */
  async settle(
    manager: EntityManager,
    outcomes: { campaignId: string; customerId: string; state: CampaignRecipientState; reason: string | null }[],
  ): Promise<void> {
    if (outcomes.length === 0) return;
    await manager.query(
      `UPDATE interaction.campaign_recipients r
          SET state = x.state, reason = x.reason, attempts = r.attempts + 1, updated_at = clock_timestamp()
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) AS x (campaign_id, customer_id, state, reason)
        WHERE r.campaign_id = x.campaign_id AND r.customer_id = x.customer_id`,
      [
        outcomes.map((o) => o.campaignId),
        outcomes.map((o) => o.customerId),
        outcomes.map((o) => o.state),
        outcomes.map((o) => o.reason),
      ],
    );
  }

  /** Campaigns being sent with nobody left queued are complete. */
  async completeFinished(manager: EntityManager, at: Date): Promise<number> {
    // TypeORM answers an UPDATE … RETURNING as [rows, count]
    const [rows]: [unknown[], number] = await manager.query(
      `UPDATE interaction.campaigns c SET status = 'completed', completed_at = $1
        WHERE c.status = 'sending'
          AND NOT EXISTS (SELECT 1 FROM interaction.campaign_recipients r WHERE r.campaign_id = c.id AND r.state = 'queued')
        RETURNING c.id`,
      [at],
    );
    return rows.length;
  }

  async recipients(
    campaignId: string,
    limit: number,
    after: string | undefined,
    state: CampaignRecipientState | undefined,
  ): Promise<RecipientRecord[]> {
    const rows: {
      customer_id: string;
      state: CampaignRecipientState;
      reason: string | null;
      message_id: string;
      updated_at: Date;
    }[] = await this.dataSource.query(
      `SELECT customer_id, state, reason, message_id, updated_at FROM interaction.campaign_recipients
          WHERE campaign_id = $1 AND ($2::uuid IS NULL OR customer_id > $2) AND ($3::text IS NULL OR state = $3)
          ORDER BY customer_id LIMIT $4`,
      [campaignId, after ?? null, state ?? null, limit],
    );
    return rows.map((r) => ({
      customerId: r.customer_id,
      state: r.state,
      reason: r.reason,
      messageId: r.message_id,
      updatedAt: r.updated_at.toISOString(),
    }));
  }

  /** Newest wins: an older change arriving late (another partition, a replay) changes nothing. */
  async recordConsent(manager: EntityManager, change: ConsentChange): Promise<void> {
    await manager.query(
      `INSERT INTO interaction.consents (customer_id, channel, purpose, granted, changed_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (customer_id, channel, purpose) DO UPDATE SET granted = EXCLUDED.granted, changed_at = EXCLUDED.changed_at
        WHERE interaction.consents.changed_at <= EXCLUDED.changed_at`,
      [change.customerId, change.channel, change.purpose, change.granted, change.changedAt],
    );
  }

  async consentOf(
    manager: EntityManager,
    customerId: string,
    channel: string,
    purpose: string,
  ): Promise<boolean | undefined> {
    const [row] = await manager.query(
      `SELECT granted FROM interaction.consents WHERE customer_id = $1 AND channel = $2 AND purpose = $3`,
      [customerId, channel, purpose],
    );
    return row?.granted;
  }

  /** The recipient's message was answered by an unsubscribe: its state says so. */
  async markUnsubscribed(manager: EntityManager, campaignId: string, customerId: string): Promise<void> {
    await manager.query(
      `UPDATE interaction.campaign_recipients SET state = 'unsubscribed', reason = 'one-click-unsubscribe', updated_at = clock_timestamp()
        WHERE campaign_id = $1 AND customer_id = $2 AND state = 'sent'`,
      [campaignId, customerId],
    );
  }

  /** Customers a phone number of an SMS campaign was sent to (an inbound reply names only the number). */
  async customersBySmsAddress(manager: EntityManager, address: string): Promise<string[]> {
    const rows: { customer_id: string }[] = await manager.query(
      `SELECT DISTINCT r.customer_id FROM interaction.campaign_recipients r JOIN interaction.campaigns c ON c.id = r.campaign_id
        WHERE c.channel = 'sms' AND r.address = $1 AND r.state IN ('sent', 'unsubscribed')`,
      [address],
    );
    return rows.map((r) => r.customer_id);
  }

  // subject rights

  async ofCustomer(customerId: string): Promise<{
    recipients: Array<{
      campaignId: string;
      campaignName: string;
      channel: string;
      address: string;
      state: string;
      reason: string | null;
      updatedAt: string;
    }>;
    consents: Array<{ channel: string; purpose: string; granted: boolean; changedAt: string }>;
  }> {
    const recipients: {
      campaign_id: string;
      name: string;
      channel: string;
      address: string;
      state: string;
      reason: string | null;
      updated_at: Date;
    }[] = await this.dataSource.query(
      `SELECT r.campaign_id, c.name, c.channel, r.address, r.state, r.reason, r.updated_at
           FROM interaction.campaign_recipients r JOIN interaction.campaigns c ON c.id = r.campaign_id
          WHERE r.customer_id = $1 ORDER BY r.updated_at`,
      [customerId],
    );
    const consents: { channel: string; purpose: string; granted: boolean; changed_at: Date }[] =
      await this.dataSource.query(
        `SELECT channel, purpose, granted, changed_at FROM interaction.consents WHERE customer_id = $1 ORDER BY channel, purpose`,
        [customerId],
      );
    return {
      recipients: recipients.map((r) => ({
        campaignId: r.campaign_id,
        campaignName: r.name,
        channel: r.channel,
        address: r.address,
        state: r.state,
        reason: r.reason,
        updatedAt: r.updated_at.toISOString(),
      })),
      consents: consents.map((c) => ({
        channel: c.channel,
        purpose: c.purpose,
        granted: c.granted,
        changedAt: c.changed_at.toISOString(),
      })),
    };
  }

  /**
   * Re-key on merge. A recipient row of the merged customer in a campaign the survivor is also in
   * goes (the survivor's row says what was sent); consent: the newer record of each channel and purpose
   * stays under the survivor.
   */
  async rekey(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(
      `DELETE FROM interaction.campaign_recipients m WHERE m.customer_id = $1
          AND EXISTS (SELECT 1 FROM interaction.campaign_recipients s WHERE s.campaign_id = m.campaign_id AND s.customer_id = $2)`,
      [mergedId, survivorId],
    );
    await manager.query(`UPDATE interaction.campaign_recipients SET customer_id = $2 WHERE customer_id = $1`, [
      mergedId,
      survivorId,
    ]);
    await manager.query(
      `INSERT INTO interaction.consents (customer_id, channel, purpose, granted, changed_at)
       SELECT $2, channel, purpose, granted, changed_at FROM interaction.consents WHERE customer_id = $1
       ON CONFLICT (customer_id, channel, purpose) DO UPDATE SET granted = EXCLUDED.granted, changed_at = EXCLUDED.changed_at
        WHERE interaction.consents.changed_at < EXCLUDED.changed_at`,
      [mergedId, survivorId],
    );
    await manager.query(`DELETE FROM interaction.consents WHERE customer_id = $1`, [mergedId]);
  }

  async erase(manager: EntityManager, customerId: string): Promise<{ recipients: number; consents: number }> {
    // TypeORM answers a DELETE … RETURNING as [rows, count]
    const [recipients]: [unknown[], number] = await manager.query(
      `DELETE FROM interaction.campaign_recipients WHERE customer_id = $1 RETURNING 1`,
      [customerId],
    );
    const [consents]: [unknown[], number] = await manager.query(
      `DELETE FROM interaction.consents WHERE customer_id = $1 RETURNING 1`,
      [customerId],
    );
    return { recipients: recipients.length, consents: consents.length };
  }
}

export function consentKey(customerId: string, channel: string, purpose: string): string {
  return `${customerId}|${channel}|${purpose}`;
}
