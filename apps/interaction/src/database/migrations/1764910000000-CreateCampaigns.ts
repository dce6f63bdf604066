import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Campaigns by email and SMS, one row per recipient with its state, and interaction's copy of each
 * customer's consent per channel and purpose (from customer-profile's consent.changed and from
 * unsubscribes here; the newest change wins).
 */
export class CreateCampaigns1764910000000 implements MigrationInterface {
  name = 'CreateCampaigns1764910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE interaction.consents (
        customer_id  uuid NOT NULL,
        channel      text NOT NULL,
        purpose      text NOT NULL,
        granted      boolean NOT NULL,
        changed_at   timestamptz NOT NULL,
        PRIMARY KEY (customer_id, channel, purpose)
      )`);
    await queryRunner.query(`
      CREATE TABLE interaction.campaigns (
        id                uuid PRIMARY KEY,
        name              text NOT NULL,
        channel           text NOT NULL CHECK (channel IN ('email', 'sms')),
        purpose           text NOT NULL CHECK (purpose IN ('marketing', 'service')),
        subject_template  text,
        body_template     text NOT NULL,
        status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sending', 'completed')),
        created_at        timestamptz NOT NULL,
        created_by        text NOT NULL,
        send_started_at   timestamptz,
        completed_at      timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE interaction.campaign_recipients (
        campaign_id   uuid NOT NULL REFERENCES interaction.campaigns (id) ON DELETE CASCADE,
        customer_id   uuid NOT NULL,
        address       text NOT NULL,
        fields        jsonb NOT NULL DEFAULT '{}',
        state         text NOT NULL DEFAULT 'queued'
                        CHECK (state IN ('queued', 'skipped', 'sent', 'failed', 'bounced', 'unsubscribed')),
        reason        text,
        message_id    text NOT NULL,
        attempts      integer NOT NULL DEFAULT 0,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (campaign_id, customer_id)
      )`);
    // the sender's claim: the next queued recipient, in key order (no sort of the whole queue per claim)
    await queryRunner.query(
      `CREATE INDEX campaign_recipients_queued ON interaction.campaign_recipients (campaign_id, customer_id) WHERE state = 'queued'`,
    );
    await queryRunner.query(
      `CREATE INDEX campaign_recipients_customer ON interaction.campaign_recipients (customer_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE interaction.campaign_recipients`);
    await queryRunner.query(`DROP TABLE interaction.campaigns`);
    await queryRunner.query(`DROP TABLE interaction.consents`);
  }
}
