import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recommendations (issue 16, item 5): each model build with its figures and self-evaluation, the
 * neighbours each SKU keeps and the popularity list of the latest build. SKUs and counts only: nothing
 * here is about one customer (a customer's own purchases are read from the purchase ledger at request
 * time), so these tables take no part in subject rights.
 */
export class CreateRecommendations1765300000000 implements MigrationInterface {
  name = 'CreateRecommendations1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE analytics.recommendation_builds (
        id           uuid PRIMARY KEY,
        trigger      text NOT NULL CHECK (trigger IN ('schedule', 'request')),
        started_at   timestamptz NOT NULL,
        finished_at  timestamptz NOT NULL,
        baskets      integer NOT NULL,
        skus         integer NOT NULL,
        pairs        integer NOT NULL,
        neighbours   integer NOT NULL,
        settings     jsonb NOT NULL,
        evaluation   jsonb NOT NULL,
        timings      jsonb NOT NULL DEFAULT '{}'
      )`);
    await queryRunner.query(
      `CREATE INDEX recommendation_builds_started_at ON analytics.recommendation_builds (started_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE analytics.recommendation_neighbours (
        build_id   uuid NOT NULL REFERENCES analytics.recommendation_builds (id) ON DELETE CASCADE,
        sku        text NOT NULL,
        -- the SKU's neighbours best first, and for each the baskets shared, the cosine and the lift:
        -- one row per SKU (not per pair) keeps a build's writes to the number of SKUs
        neighbours text[] NOT NULL,
        co_counts  integer[] NOT NULL,
        cosines    double precision[] NOT NULL,
        lifts      double precision[] NOT NULL,
        PRIMARY KEY (build_id, sku)
      )`);
    await queryRunner.query(`
      CREATE TABLE analytics.recommendation_popularity (
        build_id  uuid NOT NULL REFERENCES analytics.recommendation_builds (id) ON DELETE CASCADE,
        rank      integer NOT NULL,
        sku       text NOT NULL,
        baskets   integer NOT NULL,
        PRIMARY KEY (build_id, rank)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE analytics.recommendation_popularity`);
    await queryRunner.query(`DROP TABLE analytics.recommendation_neighbours`);
    await queryRunner.query(`DROP TABLE analytics.recommendation_builds`);
  }
}
