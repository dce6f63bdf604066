import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure requests and the services' acknowledgements of them. A request holds no personal data:
 * the customer id stays behind as an anonymous key, and the acknowledgements say only what kinds of
 * data were removed (counts) and what was kept and why. `expected_services` is the set of
 * participants when the request was made, so a service that joins later never blocks older requests.
 */
export class CreateErasureRequests1764000400000 implements MigrationInterface {
  name = 'CreateErasureRequests1764000400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customer_profile.erasure_requests (
        id                uuid PRIMARY KEY,
        customer_id       uuid NOT NULL,
        requested_by      text NOT NULL,
        requested_at      timestamptz NOT NULL DEFAULT now(),
        expected_services text[] NOT NULL CHECK (cardinality(expected_services) > 0),
        completed_at      timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX erasure_requests_customer_id ON customer_profile.erasure_requests (customer_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE customer_profile.erasure_acknowledgements (
        erasure_id      uuid NOT NULL REFERENCES customer_profile.erasure_requests (id),
        service         text NOT NULL,
        acknowledged_at timestamptz NOT NULL,
        removed         jsonb NOT NULL,
        kept            jsonb NOT NULL,
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (erasure_id, service)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE customer_profile.erasure_acknowledgements`);
    await queryRunner.query(`DROP TABLE customer_profile.erasure_requests`);
  }
}
