import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customer merges in loyalty (customer.merged). The merged-away member keeps its row as a tombstone
 * that names its survivor (`merged_into`): the ledger's history of that account stays where it was
 * posted (append only), and every late event of the merged id (a purchase, a refund, its own
 * customer.created) follows `merged_into` to the survivor. A merge of a customer loyalty never saw
 * writes the tombstone first, so nothing can open an account under that id afterwards.
 *
 * The balance moves as two balanced movements of kind `merge`: one on the source (−balance, its lots
 * consumed) and one on the survivor (+balance, the lots re-created with their original earn and
 * expiry dates), each against the clearing account `member_transfers`, which the pair leaves at zero.
 */
export class AddMemberMerges1764000530000 implements MigrationInterface {
  name = 'AddMemberMerges1764000530000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE loyalty.members
        ADD COLUMN merged_into uuid,
        ADD COLUMN merged_at   timestamptz,
        ADD CONSTRAINT members_not_merged_into_self CHECK (merged_into IS NULL OR merged_into <> customer_id),
        ADD CONSTRAINT members_merged_at CHECK ((merged_into IS NULL) = (merged_at IS NULL))`);
    await queryRunner.query(
      `CREATE INDEX members_merged_into ON loyalty.members (merged_into) WHERE merged_into IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE loyalty.movements DROP CONSTRAINT movements_kind_check`);
    await queryRunner.query(
      `ALTER TABLE loyalty.movements ADD CONSTRAINT movements_kind_check CHECK (kind IN ('earn', 'redeem', 'expire', 'reverse', 'adjust', 'merge'))`,
    );
    await queryRunner.query(`ALTER TABLE loyalty.entries DROP CONSTRAINT entries_account_check`);
    await queryRunner.query(
      `ALTER TABLE loyalty.entries ADD CONSTRAINT entries_account_check CHECK (account IN ('member_liability', 'points_expense', 'redemptions', 'breakage', 'member_transfers'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE loyalty.entries DROP CONSTRAINT entries_account_check`);
    await queryRunner.query(
      `ALTER TABLE loyalty.entries ADD CONSTRAINT entries_account_check CHECK (account IN ('member_liability', 'points_expense', 'redemptions', 'breakage'))`,
    );
    await queryRunner.query(`ALTER TABLE loyalty.movements DROP CONSTRAINT movements_kind_check`);
    await queryRunner.query(
      `ALTER TABLE loyalty.movements ADD CONSTRAINT movements_kind_check CHECK (kind IN ('earn', 'redeem', 'expire', 'reverse', 'adjust'))`,
    );
    await queryRunner.query(`DROP INDEX loyalty.members_merged_into`);
    await queryRunner.query(
      `ALTER TABLE loyalty.members DROP CONSTRAINT members_merged_at, DROP CONSTRAINT members_not_merged_into_self, DROP COLUMN merged_at, DROP COLUMN merged_into`,
    );
  }
}
