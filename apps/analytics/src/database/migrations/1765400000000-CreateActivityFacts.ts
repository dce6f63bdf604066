import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Activity facts (issue 16, items 6 and 7): what the KPIs and the dashboards count, each row one fact
 * from another service's events, and per customer the activity the churn model reads.
 *
 * - customer_facts gains the owner, team and lifecycle stage (customer-profile's customer.created,
 *   ownership.changed, lifecycle.changed) and lifecycle_changes keeps every stage move (conversions
 *   from prospect, churned customers).
 * - customer_activity is a contract: the churn model reads exactly these columns.
 * - interaction_facts, follow_up_facts (interaction), ticket_facts and csat_ratings (service-desk,
 *   SLA outcomes as service-desk reports them in sla.breached), survey_scores (interaction's surveys)
 *   and points_movements (loyalty).
 *
 * The facts keep their rows when a customer is erased, with customer_id set to null: they then count
 * in aggregates only (customer.erased: "keep anonymous aggregates").
 */
export class CreateActivityFacts1765400000000 implements MigrationInterface {
  name = 'CreateActivityFacts1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE analytics.customer_facts
        ADD COLUMN owner_id             text,
        ADD COLUMN team                 text,
        ADD COLUMN owner_changed_at     timestamptz,
        ADD COLUMN lifecycle_stage      text,
        ADD COLUMN lifecycle_changed_at timestamptz`);
    await queryRunner.query(`CREATE INDEX customer_facts_team_owner ON analytics.customer_facts (team, owner_id)`);
    await queryRunner.query(`CREATE INDEX customer_facts_created_at ON analytics.customer_facts (created_at)`);
    await queryRunner.query(
      `CREATE INDEX customer_facts_at_risk ON analytics.customer_facts (owner_id) WHERE lifecycle_stage = 'at_risk'`,
    );
    await queryRunner.query(`
      CREATE TABLE analytics.lifecycle_changes (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id uuid,
        from_stage  text,
        to_stage    text NOT NULL,
        changed_at  timestamptz NOT NULL,
        owner_id    text,
        team        text
      )`);
    await queryRunner.query(`CREATE INDEX lifecycle_changes_changed_at ON analytics.lifecycle_changes (changed_at)`);
    await queryRunner.query(
      `CREATE INDEX lifecycle_changes_customer ON analytics.lifecycle_changes (customer_id, changed_at)`,
    );

    await queryRunner.query(`
      CREATE TABLE analytics.customer_activity (
        customer_id       uuid PRIMARY KEY,
        last_contact_at   timestamptz,
        open_complaints   int NOT NULL DEFAULT 0,
        last_survey_score smallint,
        last_survey_kind  text,
        last_survey_at    timestamptz
      )`);

    await queryRunner.query(`
      CREATE TABLE analytics.interaction_facts (
        interaction_id uuid PRIMARY KEY,
        customer_id    uuid,
        agent          text NOT NULL,
        channel        text NOT NULL,
        direction      text NOT NULL,
        occurred_at    timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX interaction_facts_agent ON analytics.interaction_facts (agent, occurred_at)`);
    await queryRunner.query(`CREATE INDEX interaction_facts_customer ON analytics.interaction_facts (customer_id)`);

    await queryRunner.query(`
      CREATE TABLE analytics.follow_up_facts (
        follow_up_id    uuid PRIMARY KEY,
        customer_id     uuid,
        assignee        text NOT NULL,
        team            text,
        channel         text NOT NULL,
        created_at      timestamptz,
        original_due_at timestamptz NOT NULL,
        due_at          timestamptz NOT NULL,
        overdue_at      timestamptz,
        snoozed         int NOT NULL DEFAULT 0,
        completed_at    timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX follow_up_facts_due ON analytics.follow_up_facts (due_at)`);
    await queryRunner.query(
      `CREATE INDEX follow_up_facts_open ON analytics.follow_up_facts (assignee, due_at) WHERE completed_at IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX follow_up_facts_team ON analytics.follow_up_facts (team, due_at)`);
    await queryRunner.query(`CREATE INDEX follow_up_facts_customer ON analytics.follow_up_facts (customer_id)`);

    await queryRunner.query(`
      CREATE TABLE analytics.ticket_facts (
        ticket_id                uuid PRIMARY KEY,
        customer_id              uuid,
        type                     text NOT NULL,
        priority                 text NOT NULL,
        team                     text NOT NULL,
        queue                    text NOT NULL,
        assignee                 text,
        status                   text NOT NULL,
        open                     boolean NOT NULL,
        received_at              timestamptz NOT NULL,
        first_response_at        timestamptz,
        resolved_at              timestamptz,
        resolved_by              text,
        closed_at                timestamptz,
        first_response_due       timestamptz,
        resolution_due           timestamptz,
        first_response_breached  boolean NOT NULL DEFAULT false,
        resolution_breached      boolean NOT NULL DEFAULT false,
        version                  int NOT NULL DEFAULT 0
      )`);
    await queryRunner.query(`CREATE INDEX ticket_facts_received ON analytics.ticket_facts (received_at)`);
    await queryRunner.query(`CREATE INDEX ticket_facts_team ON analytics.ticket_facts (team, received_at)`);
    await queryRunner.query(
      `CREATE INDEX ticket_facts_open ON analytics.ticket_facts (assignee, resolution_due) WHERE open`,
    );
    await queryRunner.query(`CREATE INDEX ticket_facts_customer ON analytics.ticket_facts (customer_id)`);

    await queryRunner.query(`
      CREATE TABLE analytics.csat_ratings (
        ticket_id    uuid NOT NULL,
        resolution   int NOT NULL,
        customer_id  uuid,
        rating       smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
        team         text,
        assignee     text,
        submitted_at timestamptz NOT NULL,
        PRIMARY KEY (ticket_id, resolution)
      )`);
    await queryRunner.query(`CREATE INDEX csat_ratings_submitted ON analytics.csat_ratings (submitted_at)`);
    await queryRunner.query(`CREATE INDEX csat_ratings_customer ON analytics.csat_ratings (customer_id)`);

    await queryRunner.query(`
      CREATE TABLE analytics.survey_scores (
        invitation_id uuid NOT NULL,
        question_id   text NOT NULL,
        survey_id     uuid NOT NULL,
        customer_id   uuid,
        kind          text NOT NULL CHECK (kind IN ('nps', 'csat', 'rating')),
        value         smallint NOT NULL,
        responded_at  timestamptz NOT NULL,
        PRIMARY KEY (invitation_id, question_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX survey_scores_kind_responded ON analytics.survey_scores (kind, responded_at)`,
    );
    await queryRunner.query(`CREATE INDEX survey_scores_customer ON analytics.survey_scores (customer_id)`);

    await queryRunner.query(`
      CREATE TABLE analytics.points_movements (
        movement_id uuid PRIMARY KEY,
        customer_id uuid,
        kind        text NOT NULL CHECK (kind IN ('earned', 'redeemed', 'expired', 'reversed')),
        points      bigint NOT NULL CHECK (points >= 0),
        occurred_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX points_movements_occurred ON analytics.points_movements (occurred_at)`);
    await queryRunner.query(`CREATE INDEX points_movements_customer ON analytics.points_movements (customer_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'points_movements',
      'survey_scores',
      'csat_ratings',
      'ticket_facts',
      'follow_up_facts',
      'interaction_facts',
      'customer_activity',
      'lifecycle_changes',
    ])
      await queryRunner.query(`DROP TABLE analytics.${table}`);
    await queryRunner.query(`DROP INDEX analytics.customer_facts_at_risk`);
    await queryRunner.query(`DROP INDEX analytics.customer_facts_created_at`);
    await queryRunner.query(`DROP INDEX analytics.customer_facts_team_owner`);
    await queryRunner.query(`
      ALTER TABLE analytics.customer_facts
        DROP COLUMN owner_id, DROP COLUMN team, DROP COLUMN owner_changed_at,
        DROP COLUMN lifecycle_stage, DROP COLUMN lifecycle_changed_at`);
  }
}
