import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cadences (named sequences of follow-up steps) and their enrolments: an enrolment plans one follow-up
 * per step, linked back to it, and a stop condition met (the customer replied, bought, or withdrew
 * consent) ends it and cancels its open follow-ups. One running enrolment per cadence and customer.
 */
export class CreateCadences1764810000000 implements MigrationInterface {
  name = 'CreateCadences1764810000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE interaction.cadences (
        id           uuid PRIMARY KEY,
        name         text NOT NULL UNIQUE,
        description  text,
        steps        jsonb NOT NULL,
        stop_on      text[] NOT NULL,
        trigger      text NOT NULL DEFAULT 'manual',
        created_by   text NOT NULL,
        created_at   timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE interaction.cadence_enrolments (
        id           uuid PRIMARY KEY,
        cadence_id   uuid NOT NULL REFERENCES interaction.cadences (id),
        customer_id  uuid NOT NULL,
        assignee     text NOT NULL,
        team         text,
        stop_on      text[] NOT NULL,
        stopped      boolean NOT NULL DEFAULT false,
        stop_reason  text,
        stopped_at   timestamptz,
        enrolled_by  text NOT NULL,
        enrolled_at  timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX cadences_trigger ON interaction.cadences (trigger) WHERE trigger <> 'manual'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX cadence_enrolments_running ON interaction.cadence_enrolments (cadence_id, customer_id) WHERE NOT stopped`,
    );
    await queryRunner.query(`CREATE INDEX cadence_enrolments_customer ON interaction.cadence_enrolments (customer_id)`);
    await queryRunner.query(`
      ALTER TABLE interaction.follow_ups
        ADD COLUMN enrolment_id uuid REFERENCES interaction.cadence_enrolments (id) ON DELETE SET NULL,
        ADD COLUMN step_index integer`);
    await queryRunner.query(`CREATE INDEX follow_ups_enrolment ON interaction.follow_ups (enrolment_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE interaction.follow_ups DROP COLUMN enrolment_id, DROP COLUMN step_index`);
    await queryRunner.query(`DROP TABLE interaction.cadence_enrolments`);
    await queryRunner.query(`DROP TABLE interaction.cadences`);
  }
}
