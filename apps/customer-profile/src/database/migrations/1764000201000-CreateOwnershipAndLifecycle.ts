import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Ownership history (public pool included) and lifecycle stages with their history. */
export class CreateOwnershipAndLifecycle1764000201000 implements MigrationInterface {
  name = 'CreateOwnershipAndLifecycle1764000201000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE customer_profile.customers ADD COLUMN owner_since timestamptz`);
    await queryRunner.query(
      `UPDATE customer_profile.customers SET owner_since = created_at WHERE owner_id IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE customer_profile.customers ADD COLUMN lifecycle_stage text NOT NULL DEFAULT 'prospect'
      CHECK (lifecycle_stage IN ('prospect', 'new', 'active', 'loyal', 'at_risk', 'churned', 'won_back'))`);
    await queryRunner.query(`ALTER TABLE customer_profile.customers ADD COLUMN lifecycle_changed_at timestamptz`);
    await queryRunner.query(`
      CREATE TABLE customer_profile.ownership_history (
        id                bigserial PRIMARY KEY,
        customer_id       uuid NOT NULL,
        change            text NOT NULL CHECK (change IN ('assigned', 'transferred', 'claimed', 'released', 'recycled')),
        owner_id          text,
        team              text,
        previous_owner_id text,
        previous_team     text,
        reason            text,
        changed_by        text,
        changed_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX ownership_history_customer ON customer_profile.ownership_history (customer_id, id)`,
    );
    await queryRunner.query(`
      CREATE TABLE customer_profile.lifecycle_history (
        id          bigserial PRIMARY KEY,
        customer_id uuid NOT NULL,
        from_stage  text,
        to_stage    text NOT NULL,
        reason      text NOT NULL,
        automatic   boolean NOT NULL,
        changed_by  text,
        changed_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX lifecycle_history_customer ON customer_profile.lifecycle_history (customer_id, id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE customer_profile.lifecycle_history`);
    await queryRunner.query(`DROP TABLE customer_profile.ownership_history`);
    await queryRunner.query(`ALTER TABLE customer_profile.customers DROP COLUMN lifecycle_changed_at`);
    await queryRunner.query(`ALTER TABLE customer_profile.customers DROP COLUMN lifecycle_stage`);
    await queryRunner.query(`ALTER TABLE customer_profile.customers DROP COLUMN owner_since`);
  }
}
