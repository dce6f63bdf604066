import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The programme (seeded with the demo one), the member's balance and tier, the append-only
 * double-entry points ledger (movements and their two entries), point lots with expiry, the
 * purchases and refunds that earned and reversed points, tier history, rewards and redemptions.
 */
/** The demo programme as released (frozen here: later edits of the code's default must not change this migration). */
const DEMO_PROGRAMME = {
  name: 'Rapport Rewards',
  baseCurrency: 'CNY',
  pointsPerUnit: 1,
  categoryBonusPct: { electronics: 200 },
  campaigns: [],
  perOrderCap: 50000,
  validityMonths: 12,
  qualificationMonths: 12,
  expiringSoonDays: 30,
  tiers: [
    { code: 'silver', name: 'Silver', minSpend: '1000.00', minPoints: 1000, multiplierPct: 110 },
    { code: 'gold', name: 'Gold', minSpend: '5000.00', minPoints: 5000, multiplierPct: 125 },
    { code: 'platinum', name: 'Platinum', minSpend: '20000.00', minPoints: 20000, multiplierPct: 150 },
  ],
};

export class CreatePointsLedger1764000500000 implements MigrationInterface {
  name = 'CreatePointsLedger1764000500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE loyalty.programmes (
        id          text PRIMARY KEY,
        config      jsonb NOT NULL,
        version     integer NOT NULL DEFAULT 1,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`INSERT INTO loyalty.programmes (id, config) VALUES ('default', $1)`, [
      JSON.stringify(DEMO_PROGRAMME),
    ]);
    await queryRunner.query(`
      ALTER TABLE loyalty.members
        ADD COLUMN balance             bigint NOT NULL DEFAULT 0 CONSTRAINT members_balance_not_negative CHECK (balance >= 0),
        ADD COLUMN tier                text,
        ADD COLUMN tier_period_ends_at timestamptz,
        ADD COLUMN erased_at           timestamptz`);
    await queryRunner.query(
      `CREATE INDEX members_tier_review ON loyalty.members (tier_period_ends_at) WHERE tier_period_ends_at IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE loyalty.movements (
        seq            bigserial UNIQUE,
        id             uuid PRIMARY KEY,
        customer_id    uuid NOT NULL REFERENCES loyalty.members (customer_id),
        kind           text NOT NULL CHECK (kind IN ('earn', 'redeem', 'expire', 'reverse', 'adjust')),
        points         bigint NOT NULL,
        balance_after  bigint NOT NULL CHECK (balance_after >= 0),
        shortfall      bigint NOT NULL DEFAULT 0 CHECK (shortfall >= 0),
        source_id      text UNIQUE,
        reason         text,
        actor          text,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX movements_statement ON loyalty.movements (customer_id, seq DESC)`);
    await queryRunner.query(`
      CREATE TABLE loyalty.entries (
        id           bigserial PRIMARY KEY,
        movement_id  uuid NOT NULL REFERENCES loyalty.movements (id),
        account      text NOT NULL CHECK (account IN ('member_liability', 'points_expense', 'redemptions', 'breakage')),
        customer_id  uuid NOT NULL,
        amount       bigint NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX entries_movement ON loyalty.entries (movement_id)`);
    await queryRunner.query(
      `CREATE INDEX entries_customer ON loyalty.entries (customer_id) WHERE account = 'member_liability'`,
    );
    await queryRunner.query(`
      CREATE TABLE loyalty.lots (
        id           uuid PRIMARY KEY,
        customer_id  uuid NOT NULL REFERENCES loyalty.members (customer_id),
        movement_id  uuid NOT NULL REFERENCES loyalty.movements (id),
        source_id    text,
        points       bigint NOT NULL CHECK (points > 0),
        remaining    bigint NOT NULL CONSTRAINT lots_remaining_in_range CHECK (remaining >= 0 AND remaining <= points),
        earned_at    timestamptz NOT NULL,
        expires_at   timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX lots_open ON loyalty.lots (customer_id, expires_at) WHERE remaining > 0`);
    await queryRunner.query(`CREATE INDEX lots_expiring ON loyalty.lots (expires_at) WHERE remaining > 0`);
    await queryRunner.query(`
      CREATE TABLE loyalty.lot_allocations (
        movement_id  uuid NOT NULL REFERENCES loyalty.movements (id),
        lot_id       uuid NOT NULL REFERENCES loyalty.lots (id),
        points       bigint NOT NULL CHECK (points > 0),
        PRIMARY KEY (movement_id, lot_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE loyalty.purchases (
        purchase_id      uuid PRIMARY KEY,
        customer_id      uuid NOT NULL,
        total_base       numeric(19, 4) NOT NULL,
        refunded_base    numeric(19, 4) NOT NULL DEFAULT 0,
        points_earned    bigint NOT NULL,
        points_reversed  bigint NOT NULL DEFAULT 0,
        occurred_at      timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX purchases_window ON loyalty.purchases (customer_id, occurred_at)`);
    await queryRunner.query(`
      CREATE TABLE loyalty.refunds (
        refund_id    uuid PRIMARY KEY,
        purchase_id  uuid NOT NULL,
        customer_id  uuid NOT NULL,
        amount_base  numeric(19, 4) NOT NULL,
        points       bigint NOT NULL,
        shortfall    bigint NOT NULL,
        occurred_at  timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE loyalty.tier_history (
        id           bigserial PRIMARY KEY,
        customer_id  uuid NOT NULL,
        from_tier    text,
        to_tier      text,
        reason       text NOT NULL,
        changed_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX tier_history_customer ON loyalty.tier_history (customer_id, id)`);
    await queryRunner.query(`
      CREATE TABLE loyalty.rewards (
        id            uuid PRIMARY KEY,
        name          text NOT NULL,
        description   text,
        points_price  bigint NOT NULL CHECK (points_price > 0),
        stock         integer CONSTRAINT rewards_stock_not_negative CHECK (stock >= 0),
        valid_from    timestamptz,
        valid_until   timestamptz,
        min_tier      text,
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE loyalty.redemptions (
        id           uuid PRIMARY KEY,
        customer_id  uuid NOT NULL,
        reward_id    uuid REFERENCES loyalty.rewards (id),
        movement_id  uuid NOT NULL REFERENCES loyalty.movements (id),
        points       bigint NOT NULL CHECK (points > 0),
        coupon_code  text UNIQUE,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'redemptions',
      'rewards',
      'tier_history',
      'refunds',
      'purchases',
      'lot_allocations',
      'lots',
      'entries',
      'movements',
      'programmes',
    ]) {
      await queryRunner.query(`DROP TABLE loyalty.${table}`);
    }
    await queryRunner.query(`DROP INDEX loyalty.members_tier_review`);
    await queryRunner.query(
      `ALTER TABLE loyalty.members DROP COLUMN balance, DROP COLUMN tier, DROP COLUMN tier_period_ends_at, DROP COLUMN erased_at`,
    );
  }
}
