import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two-step redemption: a hold is a row of loyalty.redemptions with status 'reserved', an expiry and
 * no movement yet — like a card authorisation it sets points aside without touching the ledger, so
 * the double-entry books and their reconciliation do not change. Confirm writes the movement and sets
 * movement_id; cancel or expiry ends the hold with no movement. Keeping holds in the redemptions table
 * (rather than a table of their own) gives one id from hold to coupon and one place for the status.
 * A member's available points are the balance less its reserved, unexpired holds (computed under the
 * member lock; no denormalised counter that expiry could leave stale).
 */
export class AddRedemptionHolds1764000510000 implements MigrationInterface {
  name = 'AddRedemptionHolds1764000510000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE loyalty.redemptions
        ALTER COLUMN movement_id DROP NOT NULL,
        ADD COLUMN status       text NOT NULL DEFAULT 'confirmed'
          CONSTRAINT redemptions_status CHECK (status IN ('reserved', 'confirmed', 'cancelled', 'expired')),
        ADD COLUMN expires_at   timestamptz,
        ADD COLUMN confirmed_at timestamptz,
        ADD COLUMN released_at  timestamptz`);
    await queryRunner.query(`UPDATE loyalty.redemptions SET confirmed_at = created_at`);
    // Every redemption written from now on names its status.
    await queryRunner.query(`ALTER TABLE loyalty.redemptions ALTER COLUMN status DROP DEFAULT`);
    await queryRunner.query(`
      ALTER TABLE loyalty.redemptions
        ADD CONSTRAINT redemptions_movement_iff_confirmed CHECK ((status = 'confirmed') = (movement_id IS NOT NULL)),
        ADD CONSTRAINT redemptions_hold_expires CHECK (status <> 'reserved' OR expires_at IS NOT NULL)`);
    await queryRunner.query(
      `CREATE INDEX redemptions_member_holds ON loyalty.redemptions (customer_id) WHERE status = 'reserved'`,
    );
    await queryRunner.query(
      `CREATE INDEX redemptions_hold_expiry ON loyalty.redemptions (expires_at) WHERE status = 'reserved'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Holds never spent anything: give their stock back and drop them.
    await queryRunner.query(`
      UPDATE loyalty.rewards w SET stock = w.stock + h.n
      FROM (SELECT reward_id, count(*)::int AS n FROM loyalty.redemptions WHERE status = 'reserved' AND reward_id IS NOT NULL GROUP BY reward_id) h
      WHERE w.id = h.reward_id AND w.stock IS NOT NULL`);
    await queryRunner.query(`DELETE FROM loyalty.redemptions WHERE movement_id IS NULL`);
    await queryRunner.query(`DROP INDEX loyalty.redemptions_hold_expiry`);
    await queryRunner.query(`DROP INDEX loyalty.redemptions_member_holds`);
    await queryRunner.query(`
      ALTER TABLE loyalty.redemptions
        DROP CONSTRAINT redemptions_hold_expires,
        DROP CONSTRAINT redemptions_movement_iff_confirmed,
        DROP COLUMN released_at,
        DROP COLUMN confirmed_at,
        DROP COLUMN expires_at,
        DROP COLUMN status,
        ALTER COLUMN movement_id SET NOT NULL`);
  }
}
