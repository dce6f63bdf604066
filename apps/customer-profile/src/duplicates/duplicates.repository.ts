import { Injectable } from '@nestjs/common';
import type { CustomerVisibility } from '@rapport/platform-auth';
import type { EntityManager } from 'typeorm';
import type { CustomerFields } from '../customers/customer.record';
import { visibilitySql } from '../shared/visibility.sql';
import { encodeSearchText } from '../search/search-key';

/** How alike two names must be (pg_trgm strict word similarity over the encoded names) to be noted. */
export const NAME_SIMILARITY = 0.8;

export interface DuplicateCandidate {
  id: string;
  /** phone, email, identifier: strong signals; name: a weak one. */
  matchedOn: string[];
  score: number;
}

export interface DuplicatePairRow {
  customerId: string;
  duplicateOfId: string;
  matchedOn: string[];
  detectedAt: Date;
  detectedKey: string;
}

@Injectable()
export class DuplicatesRepository {
  /**
   * Existing customers that share a normalised phone, an email or an identifier with `fields`, or
   * whose name is nearly the same. One statement; phones and emails use their GIN indexes, names
   * the trigram index of the search key.
   */
  async candidates(manager: EntityManager, fields: CustomerFields, limit = 10): Promise<DuplicateCandidate[]> {
    await manager.query(`SELECT set_config('pg_trgm.strict_word_similarity_threshold', $1, true)`, [
      String(NAME_SIMILARITY),
    ]);
    return manager.query(
      `WITH ids AS (
         SELECT DISTINCT i.customer_id FROM customer_profile.customer_identifiers i
           JOIN unnest($3::text[], $4::text[]) AS w(type, value) ON w.type = i.type AND w.value = i.value
       )
       SELECT id, matched_on AS "matchedOn", (cardinality(matched_on) + name_score)::float8 AS score FROM (
         SELECT c.id, customer_profile.strict_word_similarity($5, c.search_key) AS name_score,
                array_remove(ARRAY[
                  CASE WHEN c.phones && $1::text[] THEN 'phone' END,
                  CASE WHEN c.emails && $2::text[] THEN 'email' END,
                  CASE WHEN c.id IN (SELECT customer_id FROM ids) THEN 'identifier' END,
                  CASE WHEN $5 <> '' AND $5 OPERATOR(customer_profile.<<%) c.search_key THEN 'name' END
                ], NULL) AS matched_on
           FROM customer_profile.customers c
          WHERE c.erased_at IS NULL AND c.merged_into IS NULL
            AND (c.phones && $1::text[] OR c.emails && $2::text[] OR c.id IN (SELECT customer_id FROM ids)
                 OR ($5 <> '' AND $5 OPERATOR(customer_profile.<<%) c.search_key))
       ) m
       ORDER BY score DESC, id LIMIT $6`,
      [
        fields.phones,
        fields.emails,
        fields.identifiers.map((i) => i.type),
        fields.identifiers.map((i) => i.value),
        encodeSearchText(fields.name),
        limit,
      ],
    );
  }

  async record(manager: EntityManager, customerId: string, candidates: readonly DuplicateCandidate[]): Promise<void> {
    if (candidates.length === 0) return;
    await manager.query(
      `INSERT INTO customer_profile.duplicate_candidates (customer_id, duplicate_of_id, matched_on)
       SELECT $1, id, string_to_array(matched, ',') FROM unnest($2::uuid[], $3::text[]) AS w(id, matched)
       ON CONFLICT DO NOTHING`,
      [customerId, candidates.map((c) => c.id), candidates.map((c) => c.matchedOn.join(','))],
    );
  }

  /** The review list, newest first, keyset-paged; only pairs whose both customers the caller may see. */
  async list(
    manager: EntityManager,
    visibility: CustomerVisibility,
    limit: number,
    after?: { key: string; customerId: string; duplicateOfId: string },
  ): Promise<DuplicatePairRow[]> {
    const params: unknown[] = [];
    const where = [
      visibilitySql(visibility, params, 'a'),
      visibilitySql(visibility, params, 'b'),
      'a.erased_at IS NULL',
      'b.erased_at IS NULL',
      'a.merged_into IS NULL',
      'b.merged_into IS NULL',
    ];
    if (after) {
      params.push(after.key, after.customerId, after.duplicateOfId);
      const n = params.length;
      where.push(
        `(d.detected_at, d.customer_id, d.duplicate_of_id) < ($${n - 2}::timestamptz, $${n - 1}::uuid, $${n}::uuid)`,
      );
    }
    params.push(limit);
    return manager.query(
      `SELECT d.customer_id AS "customerId", d.duplicate_of_id AS "duplicateOfId", d.matched_on AS "matchedOn",
              d.detected_at AS "detectedAt", d.detected_at::text AS "detectedKey"
         FROM customer_profile.duplicate_candidates d
         JOIN customer_profile.customers a ON a.id = d.customer_id
         JOIN customer_profile.customers b ON b.id = d.duplicate_of_id
        WHERE ${where.join(' AND ')}
        ORDER BY d.detected_at DESC, d.customer_id DESC, d.duplicate_of_id DESC LIMIT $${params.length}`,
      params,
    );
  }

  async forCustomer(manager: EntityManager, customerId: string): Promise<DuplicatePairRow[]> {
    return manager.query(
      `SELECT customer_id AS "customerId", duplicate_of_id AS "duplicateOfId", matched_on AS "matchedOn", detected_at AS "detectedAt"
         FROM customer_profile.duplicate_candidates WHERE customer_id = $1 OR duplicate_of_id = $1 ORDER BY detected_at`,
      [customerId],
    );
  }

  async forget(manager: EntityManager, customerId: string): Promise<void> {
    await manager.query(
      `DELETE FROM customer_profile.duplicate_candidates WHERE customer_id = $1 OR duplicate_of_id = $1`,
      [customerId],
    );
  }
}
