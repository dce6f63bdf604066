import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Surveys: a survey's questions (a JSON document: they are read whole), one invitation per customer
 * and survey (each with its signed public link, derived from the invitation id and its expiry), and one
 * answer per question of an answered invitation. An erased customer's invitations lose the customer id
 * and their text answers; their scores stay, anonymous, in the results.
 */
export class CreateSurveys1764900000000 implements MigrationInterface {
  name = 'CreateSurveys1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE interaction.surveys (
        id           uuid PRIMARY KEY,
        name         text NOT NULL,
        description  text,
        questions    jsonb NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        created_by   text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE interaction.survey_invitations (
        id            uuid PRIMARY KEY,
        survey_id     uuid NOT NULL REFERENCES interaction.surveys (id),
        customer_id   uuid,
        created_at    timestamptz NOT NULL DEFAULT now(),
        created_by    text NOT NULL,
        expires_at    timestamptz NOT NULL,
        responded_at  timestamptz,
        erased_at     timestamptz,
        CHECK (erased_at IS NOT NULL OR customer_id IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX survey_invitations_survey_customer ON interaction.survey_invitations (survey_id, customer_id)`,
    );
    await queryRunner.query(`CREATE INDEX survey_invitations_customer ON interaction.survey_invitations (customer_id)`);
    await queryRunner.query(`
      CREATE TABLE interaction.survey_answers (
        invitation_id  uuid NOT NULL REFERENCES interaction.survey_invitations (id),
        survey_id      uuid NOT NULL,
        question_id    text NOT NULL,
        score          smallint CHECK (score BETWEEN 0 AND 10),
        choices        text[],
        text           text,
        answered_at    timestamptz NOT NULL,
        PRIMARY KEY (invitation_id, question_id)
      )`);
    // the results read a survey's answers by question within a window
    await queryRunner.query(
      `CREATE INDEX survey_answers_results ON interaction.survey_answers (survey_id, question_id, answered_at)
         INCLUDE (score)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE interaction.survey_answers`);
    await queryRunner.query(`DROP TABLE interaction.survey_invitations`);
    await queryRunner.query(`DROP TABLE interaction.surveys`);
  }
}
