import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contact fingerprints per customer, as customer-profile publishes them (keyed HMAC-SHA256 of each
 * normalised phone, email and identifier): loyalty can tell that two customers share a contact and
 * refuse a referral between them, without holding a readable phone or email. No foreign key to
 * members: the fingerprints of a customer can arrive before its account opens (customer.updated of a
 * customer loyalty has not seen buy yet). The index on fingerprint answers "who else has this one".
 */
export class CreateMemberFingerprints1764000520000 implements MigrationInterface {
  name = 'CreateMemberFingerprints1764000520000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE loyalty.member_fingerprints (
        customer_id  uuid NOT NULL,
        fingerprint  text NOT NULL,
        PRIMARY KEY (customer_id, fingerprint)
      )`);
    await queryRunner.query(
      `CREATE INDEX member_fingerprints_fingerprint ON loyalty.member_fingerprints (fingerprint)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE loyalty.member_fingerprints`);
  }
}
