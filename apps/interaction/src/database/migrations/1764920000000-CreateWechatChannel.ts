import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The WeChat Official Account channel: each customer's openid digest (from customer-profile's events), every
 * message and event WeChat delivered (keyed so WeChat's retries are taken once; held until its sender is
 * a known customer, then logged as an interaction), and the openids a lead was asked for (once each).
 */
export class CreateWechatChannel1764920000000 implements MigrationInterface {
  name = 'CreateWechatChannel1764920000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE interaction.customer_refs ADD COLUMN wechat_openid_digest text`);
    await queryRunner.query(
      `CREATE INDEX customer_refs_wechat_openid_digest ON interaction.customer_refs (wechat_openid_digest)
        WHERE wechat_openid_digest IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE interaction.wechat_messages (
        id             uuid PRIMARY KEY,
        message_key    text NOT NULL UNIQUE,
        openid         text NOT NULL,
        -- identifierDigest(kind wechat-openid): how customer-profile's events name the openid
        openid_digest  text NOT NULL,
        kind           text NOT NULL CHECK (kind IN ('text', 'image', 'subscribe', 'unsubscribe')),
        content        text,
        sent_at        timestamptz NOT NULL,
        received_at    timestamptz NOT NULL,
        customer_id    uuid,
        interaction_id uuid
      )`);
    await queryRunner.query(
      `CREATE INDEX wechat_messages_pending ON interaction.wechat_messages (received_at) WHERE interaction_id IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX wechat_messages_customer ON interaction.wechat_messages (customer_id)`);
    await queryRunner.query(`CREATE INDEX wechat_messages_openid ON interaction.wechat_messages (openid_digest)`);
    await queryRunner.query(`
      CREATE TABLE interaction.wechat_leads (
        openid       text PRIMARY KEY,
        requested_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE interaction.wechat_leads`);
    await queryRunner.query(`DROP TABLE interaction.wechat_messages`);
    await queryRunner.query(`DROP INDEX interaction.customer_refs_wechat_openid_digest`);
    await queryRunner.query(`ALTER TABLE interaction.customer_refs DROP COLUMN wechat_openid_digest`);
  }
}
