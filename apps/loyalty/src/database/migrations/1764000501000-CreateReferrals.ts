import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Referral codes (one per member, dropped on erasure) and referrals from registration to reward. */
export class CreateReferrals1764000501000 implements MigrationInterface {
  name = 'CreateReferrals1764000501000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE loyalty.referral_codes (
        customer_id  uuid PRIMARY KEY REFERENCES loyalty.members (customer_id),
        code         text NOT NULL UNIQUE,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE loyalty.referrals (
        referred_id   uuid PRIMARY KEY REFERENCES loyalty.members (customer_id),
        referrer_id   uuid NOT NULL REFERENCES loyalty.members (customer_id),
        status        text NOT NULL CHECK (status IN ('pending', 'completed')),
        created_at    timestamptz NOT NULL DEFAULT now(),
        completed_at  timestamptz,
        CONSTRAINT referrals_not_self CHECK (referred_id <> referrer_id)
      )`);
    await queryRunner.query(`CREATE INDEX referrals_referrer ON loyalty.referrals (referrer_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE loyalty.referrals`);
    await queryRunner.query(`DROP TABLE loyalty.referral_codes`);
  }
}
