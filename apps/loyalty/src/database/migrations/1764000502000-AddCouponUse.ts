import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Coupons issued with a reward redemption are valid for a window and can be used once. */
export class AddCouponUse1764000502000 implements MigrationInterface {
  name = 'AddCouponUse1764000502000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE loyalty.redemptions
        ADD COLUMN coupon_valid_until timestamptz,
        ADD COLUMN coupon_used_at     timestamptz,
        ADD CONSTRAINT redemptions_coupon_window CHECK (coupon_code IS NULL OR coupon_valid_until IS NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE loyalty.redemptions DROP CONSTRAINT redemptions_coupon_window, DROP COLUMN coupon_used_at, DROP COLUMN coupon_valid_until`,
    );
  }
}
