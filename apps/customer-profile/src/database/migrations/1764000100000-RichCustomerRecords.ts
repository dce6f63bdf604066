import type { MigrationInterface, QueryRunner } from 'typeorm';

/** encodeSearchText in SQL, as a session-local function (customers.integration-spec.ts checks they agree). */
export const SEARCH_WORD_FUNCTION = `
      CREATE FUNCTION pg_temp.search_word(input text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
        SELECT coalesce(trim(regexp_replace(string_agg(
                 CASE WHEN ascii(ch) < 128 THEN CASE WHEN ch ~ '[a-z0-9@._+-]' THEN ch ELSE ' ' END
                      WHEN ascii(ch) BETWEEN 13312 AND 40959 THEN
                        substr('0123456789abcdefghijklmnopqrstuvwxyz', (ascii(ch) - 13312) / 1296 + 1, 1) ||
                        substr('0123456789abcdefghijklmnopqrstuvwxyz', ((ascii(ch) - 13312) / 36) % 36 + 1, 1) ||
                        substr('0123456789abcdefghijklmnopqrstuvwxyz', (ascii(ch) - 13312) % 36 + 1, 1)
                      WHEN ch ~ '\\s' THEN ' '
                      ELSE 'x' || to_hex(ascii(ch)) END, '' ORDER BY ord), '\\s+', ' ', 'g')), '')
          FROM regexp_split_to_table(lower(input), '') WITH ORDINALITY AS t(ch, ord)
      $fn$`;

/**
 * Rich customer records: lists and documents on the row (phones, emails, addresses, tags…), child
 * tables for what needs its own constraint or rows (identifiers unique per type, contact persons),
 * custom field definitions, consent records and a trigram-indexed search key.
 */
export class RichCustomerRecords1764000100000 implements MigrationInterface {
  name = 'RichCustomerRecords1764000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE customer_profile.customers
        ADD COLUMN gender        text CHECK (gender IN ('female', 'male', 'other', 'unknown')),
        ADD COLUMN birthday      date,
        ADD COLUMN phones        text[] NOT NULL DEFAULT '{}',
        ADD COLUMN emails        text[] NOT NULL DEFAULT '{}',
        ADD COLUMN addresses     jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN tags          text[] NOT NULL DEFAULT '{}',
        ADD COLUMN interests     text[] NOT NULL DEFAULT '{}',
        ADD COLUMN preferences   jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN notes         text,
        ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN search_key    text NOT NULL DEFAULT '',
        ADD COLUMN erased_at     timestamptz`);
    // The same spelling as search/search-key.ts encodeSearchText, for the rows that exist already.
    await queryRunner.query(SEARCH_WORD_FUNCTION);
    await queryRunner.query(`
      UPDATE customer_profile.customers
         SET phones = CASE WHEN phone IS NULL THEN '{}' ELSE ARRAY[phone] END,
             emails = CASE WHEN email IS NULL THEN '{}' ELSE ARRAY[lower(email)] END,
             search_key = ' ' || concat_ws(' ', nullif(pg_temp.search_word(name), ''), nullif(pg_temp.search_word(email), ''),
                                           ltrim(phone, '+'), CASE WHEN phone LIKE '+86%' THEN substr(phone, 4) END) || ' '`);
    await queryRunner.query(`DROP FUNCTION pg_temp.search_word(text)`);
    await queryRunner.query(`CREATE INDEX customers_tags ON customer_profile.customers USING gin (tags)`);
    await queryRunner.query(`CREATE INDEX customers_phones ON customer_profile.customers USING gin (phones)`);
    await queryRunner.query(`CREATE INDEX customers_emails ON customer_profile.customers USING gin (emails)`);
    await queryRunner.query(
      `CREATE INDEX customers_custom_fields ON customer_profile.customers USING gin (custom_fields jsonb_path_ops)`,
    );
    await queryRunner.query(
      `CREATE INDEX customers_search_key ON customer_profile.customers USING gin (search_key customer_profile.gin_trgm_ops)`,
    );
    await queryRunner.query(`CREATE INDEX customers_name_id ON customer_profile.customers (name, id)`);
    await queryRunner.query(`
      CREATE TABLE customer_profile.customer_identifiers (
        type        text NOT NULL CHECK (type IN ('wechat_openid', 'wechat_unionid', 'weibo_id', 'external')),
        value       text NOT NULL,
        customer_id uuid NOT NULL REFERENCES customer_profile.customers (id) ON DELETE CASCADE,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (type, value)
      )`);
    await queryRunner.query(
      `CREATE INDEX customer_identifiers_customer ON customer_profile.customer_identifiers (customer_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE customer_profile.customer_contacts (
        id          uuid PRIMARY KEY,
        customer_id uuid NOT NULL REFERENCES customer_profile.customers (id) ON DELETE CASCADE,
        position    integer NOT NULL,
        name        text NOT NULL,
        title       text,
        phone       text,
        email       text
      )`);
    await queryRunner.query(
      `CREATE INDEX customer_contacts_customer ON customer_profile.customer_contacts (customer_id, position)`,
    );
    await queryRunner.query(`
      CREATE TABLE customer_profile.custom_field_definitions (
        key            text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
        label          text,
        type           text NOT NULL CHECK (type IN ('string', 'number', 'boolean', 'date', 'enum')),
        required       boolean NOT NULL DEFAULT false,
        allowed_values text[] NOT NULL DEFAULT '{}',
        created_by     text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE customer_profile.consent_records (
        id           uuid PRIMARY KEY,
        customer_id  uuid NOT NULL REFERENCES customer_profile.customers (id) ON DELETE CASCADE,
        channel      text NOT NULL CHECK (channel IN ('email', 'sms', 'phone', 'wechat')),
        purpose      text NOT NULL CHECK (purpose IN ('marketing', 'service', 'analytics')),
        granted      boolean NOT NULL,
        source       text NOT NULL,
        legal_basis  text NOT NULL,
        occurred_at  timestamptz NOT NULL,
        recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
        recorded_by  text NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX consent_records_latest ON customer_profile.consent_records (customer_id, channel, purpose, occurred_at DESC, recorded_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE customer_profile.duplicate_candidates (
        customer_id     uuid NOT NULL REFERENCES customer_profile.customers (id) ON DELETE CASCADE,
        duplicate_of_id uuid NOT NULL REFERENCES customer_profile.customers (id) ON DELETE CASCADE,
        matched_on      text[] NOT NULL,
        detected_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (customer_id, duplicate_of_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE customer_profile.duplicate_candidates`);
    await queryRunner.query(`DROP TABLE customer_profile.consent_records`);
    await queryRunner.query(`DROP TABLE customer_profile.custom_field_definitions`);
    await queryRunner.query(`DROP TABLE customer_profile.customer_contacts`);
    await queryRunner.query(`DROP TABLE customer_profile.customer_identifiers`);
    await queryRunner.query(`DROP INDEX customer_profile.customers_name_id`);
    await queryRunner.query(`DROP INDEX customer_profile.customers_search_key`);
    await queryRunner.query(`DROP INDEX customer_profile.customers_custom_fields`);
    await queryRunner.query(`DROP INDEX customer_profile.customers_emails`);
    await queryRunner.query(`DROP INDEX customer_profile.customers_phones`);
    await queryRunner.query(`DROP INDEX customer_profile.customers_tags`);
    await queryRunner.query(`
      ALTER TABLE customer_profile.customers
        DROP COLUMN gender, DROP COLUMN birthday, DROP COLUMN phones, DROP COLUMN emails, DROP COLUMN addresses,
        DROP COLUMN tags, DROP COLUMN interests, DROP COLUMN preferences, DROP COLUMN notes, DROP COLUMN custom_fields,
        DROP COLUMN search_key, DROP COLUMN erased_at`);
  }
}
