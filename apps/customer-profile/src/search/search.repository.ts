import { Injectable } from '@nestjs/common';
import type { CustomerVisibility } from '@rapport/platform-auth';
import { DataSource, type EntityManager } from 'typeorm';
import type { CustomerRecord } from '../customers/customer.record';
import { CUSTOMER_COLUMNS, CustomersRepository, visibilitySql, type CustomerRow } from '../customers/customers.repository';
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
   */
  async search(
    encodedQuery: string,
    fuzzy: boolean,
    limit: number,
    visibility: CustomerVisibility,
    after?: { score: number; id: string },
  ): Promise<{ customer: CustomerRecord; score: number }[]> {
    const run = async (manager: EntityManager) => {
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
      const rows: (CustomerRow & { score: number })[] = await manager.query(
        `WITH page AS (
           SELECT s.id, s.score FROM (
             SELECT c.id, ((CASE WHEN c.search_key LIKE $2 THEN 1 ELSE 0 END) + customer_profile.word_similarity($1, c.search_key))::float8 AS score
               FROM customer_profile.customers c
              WHERE c.erased_at IS NULL AND c.merged_into IS NULL AND ${visible}
                AND (c.search_key LIKE $3${fuzzy ? ' OR $1 OPERATOR(customer_profile.<%) c.search_key' : ''})
           ) s ${keyset}
           ORDER BY s.score DESC, s.id ASC LIMIT $${params.length}
         )
         SELECT ${CUSTOMER_COLUMNS}, page.score
           FROM page JOIN customer_profile.customers c ON c.id = page.id
          ORDER BY page.score DESC, page.id ASC`,
        params,
      );
      const records = await this.customers.withRelations(manager, rows);
      return records.map((customer, i) => ({ customer, score: rows[i]!.score }));
    };
    if (!fuzzy) return run(this.dataSource.manager);
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)`, [String(FUZZY_THRESHOLD)]);
      return run(manager);
    });
  }
}
