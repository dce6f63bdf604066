import { decodeCursor, encodeCursor } from '@rapport/platform-http';
import { Injectable } from '@nestjs/common';
import type { CustomerSearchPage, SearchCustomersQuery } from '@rapport/contracts';
import { customerVisibility } from '@rapport/platform-auth';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { toCustomerView } from '../customers/customer.view';
import { encodeSearchText, wantsFuzzy } from './search-key';
import { SearchErrorCode, SearchException } from './search.exception';
import { SearchRepository } from './search.repository';

/** Customers matching a text, best first, among those the caller may see; a cursor belongs to its query. */
@Injectable()
export class SearchService {
  constructor(private readonly search: SearchRepository) {}

  async find(query: SearchCustomersQuery, caller: CallerIdentity): Promise<CustomerSearchPage> {
    const limit = query.limit ?? 20;
    const encoded = encodeSearchText(query.q);
    if (encoded.length === 0) return { items: [], nextCursor: null };
    let after: { score: number; id: string } | undefined;
    if (query.cursor !== undefined) {
      const decoded = decodeCursor(query.cursor, `search:${encoded}`);
      if (!decoded || typeof decoded.key !== 'number') {
        throw new SearchException(SearchErrorCode.BadCursor, 'cursor is not a cursor of this search', [
          { field: 'cursor', message: 'cursor does not belong to this query' },
        ]);
      }
      after = { score: decoded.key, id: decoded.id };
    }
    const hits = await this.search.search(encoded, wantsFuzzy(query.q), limit + 1, customerVisibility(caller), after);
    const page = hits.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((h) => ({ ...toCustomerView(h.customer, caller), score: h.score })),
      nextCursor: hits.length > limit && last ? encodeCursor(`search:${encoded}`, last.score, last.customer.id) : null,
    };
  }
}
