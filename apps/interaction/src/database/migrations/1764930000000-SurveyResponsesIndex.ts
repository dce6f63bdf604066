import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Survey results count a window's responses from the invitations answered in it. */
export class SurveyResponsesIndex1764930000000 implements MigrationInterface {
  name = 'SurveyResponsesIndex1764930000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX survey_invitations_responded ON interaction.survey_invitations (survey_id, responded_at)
         WHERE responded_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX interaction.survey_invitations_responded`);
  }
}
