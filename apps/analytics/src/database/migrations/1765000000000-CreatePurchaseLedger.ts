import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The purchase ledger (issue 16): every purchase, its lines and refunds as customer-profile's events
 * told them, in the base currency. Lifetime value, forecasts, recommendations and the KPIs read it;
 * RFM keeps its own per-customer sums (customer_value_facts) for the incremental path.
 */
export class CreatePurchaseLedger1765000000000 implements MigrationInterface {
  name = 'CreatePurchaseLedger1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE analytics.purchases (
        purchase_id   uuid PRIMARY KEY,
        customer_id   uuid NOT NULL,
        occurred_at   timestamptz NOT NULL,
        channel       text,
        total_base    numeric(20, 4) NOT NULL,
        refunded_base numeric(20, 4) NOT NULL DEFAULT 0 CHECK (refunded_base >= 0)
      )`);
    await queryRunner.query(`CREATE INDEX purchases_customer ON analytics.purchases (customer_id, occurred_at)`);
    await queryRunner.query(`CREATE INDEX purchases_occurred_at ON analytics.purchases (occurred_at)`);
    await queryRunner.query(`
      CREATE TABLE analytics.purchase_lines (
        purchase_id     uuid NOT NULL REFERENCES analytics.purchases (purchase_id) ON DELETE CASCADE,
        line_no         smallint NOT NULL,
        sku             text NOT NULL,
        category        text,
        quantity        numeric(20, 4) NOT NULL,
        line_total_base numeric(20, 4) NOT NULL,
        PRIMARY KEY (purchase_id, line_no)
      )`);
    await queryRunner.query(`CREATE INDEX purchase_lines_sku ON analytics.purchase_lines (sku)`);
    await queryRunner.query(`
      CREATE TABLE analytics.purchase_refunds (
        refund_id   uuid PRIMARY KEY,
        purchase_id uuid NOT NULL,
        customer_id uuid NOT NULL,
        amount_base numeric(20, 4) NOT NULL,
        occurred_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX purchase_refunds_occurred_at ON analytics.purchase_refunds (occurred_at)`);
    await queryRunner.query(`CREATE INDEX purchase_refunds_customer ON analytics.purchase_refunds (customer_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE analytics.purchase_refunds`);
    await queryRunner.query(`DROP TABLE analytics.purchase_lines`);
    await queryRunner.query(`DROP TABLE analytics.purchases`);
  }
}
