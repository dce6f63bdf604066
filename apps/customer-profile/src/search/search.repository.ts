import { Injectable } from '@nestjs/common';
import type { CustomerVisibility } from '@rapport/platform-auth';
import { DataSource, type EntityManager } from 'typeorm';
import type { CustomerRecord } from '../customers/customer.record';
import { CUSTOMER_COLUMNS, CustomersRepository, type CustomerRow } from '../customers/customers.repository';
import { visibilitySql } from '../shared/visibility.sql';
import { escapeLike } from './search-key';

/** How alike a query and a word of the search key must be to count as a fuzzy hit (pg_trgm word similarity). */
export const FUZZY_THRESHOLD = 0.5;

@Injectable()
export class SearchRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly customers: CustomersRepository,
  ) {}

  /**
   * Hits: a word of the search key starts with the query (prefix), contains it, or (when `fuzzy`) is
   * similar to it (trigram word similarity). All three conditions use the one GIN trigram index. Score = 1 for a
   * prefix hit + the word similarity; ties broken by id, which makes (score, id) a keyset.
   *
   * A fuzzy search first runs as a substring search (cheap: the query's own trigrams, no similarity).
   * A prefix hit scores above 1 (1 + a similarity above 0) and any hit that is not one at most 1, so
   * when prefix hits fill the page it is exactly the page the full search would give, found without
   * scoring the trigram candidates of every similar name (a common full name at 1M customers has
   * dozens of prefix hits and about a thousand similarity candidates).
   */
  async search(
    encodedQuery: string,
    fuzzy: boolean,
    limit: number,
    visibility: CustomerVisibility,
    after?: { score: number; id: string },
  ): Promise<{ customer: CustomerRecord; score: number }[]> {
    const run = async (em: EntityManager, similar: boolean) => {
      const like = escapeLike(encodedQuery);
      const params: unknown[] = [encodedQuery, `% ${like}%`, `%${like}%`];
      const visible = visibilitySql(visibility, params);
      let keyset = '';
      if (after) {
        params.push(after.score, after.id);
        keyset = `WHERE s.score < $${params.length - 1}::float8 OR (s.score = $${params.length - 1}::float8 AND s.id > $${params.length}::uuid)`;
      }
      params.push(limit);
      // Rank narrow (id, score) tuples and read the customers' columns for the page only: a broad query
      // (an 8-digit phone prefix) has up to a thousand hits, all scored and sorted, but only a page is shown.
      const rows: (CustomerRow & { score: number })[] = await em.query(
        `WITH page AS (
           SELECT s.id, s.score FROM (
             SELECT c.id, ((CASE WHEN c.search_key LIKE $2 THEN 1 ELSE 0 END) + customer_profile.word_similarity($1, c.search_key))::float8 AS score
               FROM customer_profile.customers c
              WHERE c.erased_at IS NULL AND c.merged_into IS NULL AND ${visible}
                AND (c.search_key LIKE $3${similar ? ' OR $1 OPERATOR(customer_profile.<%) c.search_key' : ''})
           ) s ${keyset}
           ORDER BY s.score DESC, s.id ASC LIMIT $${params.length}
         )
         SELECT ${CUSTOMER_COLUMNS}, page.score
           FROM page JOIN customer_profile.customers c ON c.id = page.id
          ORDER BY page.score DESC, page.id ASC`,
        params,
      );
      return rows;
    };
    const withRelations = async (em: EntityManager, rows: (CustomerRow & { score: number })[]) => {
      const records = await this.customers.withRelations(em, rows);
      return records.map((customer, i) => ({ customer, score: rows[i]!.score }));
    };
    const manager = this.dataSource.manager;
    // A prefix-hit cursor (scored above 1) may still be continued by prefix hits; a later one may not.
    if (!fuzzy || !after || after.score > 1) {
      const hits = await run(manager, false);
      if (!fuzzy || (hits.length >= limit && hits[limit - 1]!.score > 1)) return withRelations(manager, hits);
    }
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)`, [String(FUZZY_THRESHOLD)]);
      return withRelations(tx, await run(tx, true));
    });
  }
}
