import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Purchases, their lines and refunds, per-customer totals (per currency and in the base currency)
 * and exchange rates kept as data. Money is numeric, never float.
 */
export class CreatePurchases1764000200000 implements MigrationInterface {
  name = 'CreatePurchases1764000200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE customer_profile.customers ADD COLUMN last_contact_at timestamptz`);
    await queryRunner.query(`
      CREATE TABLE customer_profile.exchange_rates (
        currency      char(3) NOT NULL,
        base_currency char(3) NOT NULL,
        rate          numeric(20, 10) NOT NULL CHECK (rate > 0),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        updated_by    text,
        PRIMARY KEY (currency, base_currency)
      )`);
    // A few reference rates (units of the base currency per unit of the currency); admins keep them current.
    await queryRunner.query(`
      INSERT INTO customer_profile.exchange_rates (currency, base_currency, rate, updated_by) VALUES
        ('CNY', 'CNY', 1, 'seed'), ('USD', 'CNY', 7.1, 'seed'), ('EUR', 'CNY', 7.7, 'seed'),
        ('HKD', 'CNY', 0.91, 'seed'), ('JPY', 'CNY', 0.048, 'seed'), ('GBP', 'CNY', 9.0, 'seed'),
        ('USD', 'USD', 1, 'seed'), ('CNY', 'USD', 0.14, 'seed'), ('EUR', 'USD', 1.08, 'seed')`);
    await queryRunner.query(`
      CREATE TABLE customer_profile.purchases (
        id                uuid PRIMARY KEY,
        customer_id       uuid NOT NULL REFERENCES customer_profile.customers (id),
        external_order_id text NOT NULL UNIQUE,
        channel           text,
        currency          char(3) NOT NULL,
        total             numeric(18, 4) NOT NULL CHECK (total >= 0),
        base_currency     char(3) NOT NULL,
        rate              numeric(20, 10) NOT NULL,
        total_base        numeric(18, 4) NOT NULL,
        refunded          numeric(18, 4) NOT NULL DEFAULT 0,
        refunded_base     numeric(18, 4) NOT NULL DEFAULT 0,
        occurred_at       timestamptz NOT NULL,
        recorded_at       timestamptz NOT NULL DEFAULT now(),
        recorded_by       text,
        CHECK (refunded <= total)
      )`);
    await queryRunner.query(
      `CREATE INDEX purchases_customer ON customer_profile.purchases (customer_id, occurred_at DESC, id DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE customer_profile.purchase_lines (
        purchase_id       uuid NOT NULL REFERENCES customer_profile.purchases (id),
        line_no           integer NOT NULL,
        sku               text NOT NULL,
        name              text,
        category          text,
        quantity          numeric(18, 3) NOT NULL CHECK (quantity > 0),
        unit_price        numeric(18, 4) NOT NULL CHECK (unit_price >= 0),
        line_total        numeric(18, 4) NOT NULL,
        refunded_quantity numeric(18, 3) NOT NULL DEFAULT 0,
        PRIMARY KEY (purchase_id, line_no),
        CHECK (refunded_quantity <= quantity)
      )`);
    await queryRunner.query(`
      CREATE TABLE customer_profile.purchase_refunds (
        id          uuid PRIMARY KEY,
        purchase_id uuid NOT NULL REFERENCES customer_profile.purchases (id),
        customer_id uuid NOT NULL,
        amount      numeric(18, 4) NOT NULL CHECK (amount > 0),
        amount_base numeric(18, 4) NOT NULL,
        lines       jsonb,
        reason      text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        created_by  text
      )`);
    await queryRunner.query(
      `CREATE INDEX purchase_refunds_purchase ON customer_profile.purchase_refunds (purchase_id, created_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE customer_profile.customer_purchase_totals (
        customer_id    uuid NOT NULL,
        currency       char(3) NOT NULL,
        purchase_count integer NOT NULL DEFAULT 0,
        total          numeric(18, 4) NOT NULL DEFAULT 0,
        refunded       numeric(18, 4) NOT NULL DEFAULT 0,
        PRIMARY KEY (customer_id, currency)
      )`);
    await queryRunner.query(`
      CREATE TABLE customer_profile.customer_purchase_summary (
        customer_id        uuid PRIMARY KEY,
        base_currency      char(3) NOT NULL,
        purchase_count     integer NOT NULL DEFAULT 0,
        total_base         numeric(18, 4) NOT NULL DEFAULT 0,
        refunded_base      numeric(18, 4) NOT NULL DEFAULT 0,
        first_purchase_at  timestamptz,
        last_purchase_at   timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE customer_profile.customer_purchase_summary`);
    await queryRunner.query(`DROP TABLE customer_profile.customer_purchase_totals`);
    await queryRunner.query(`DROP TABLE customer_profile.purchase_refunds`);
    await queryRunner.query(`DROP TABLE customer_profile.purchase_lines`);
    await queryRunner.query(`DROP TABLE customer_profile.purchases`);
    await queryRunner.query(`DROP TABLE customer_profile.exchange_rates`);
    await queryRunner.query(`ALTER TABLE customer_profile.customers DROP COLUMN last_contact_at`);
  }
}
