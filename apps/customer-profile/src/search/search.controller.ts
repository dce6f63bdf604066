import { Controller, Get, Query } from '@nestjs/common';
import { SearchCustomersQuery, type CustomerSearchPage } from '@rapport/contracts';
import { customerVisibility } from '@rapport/platform-auth';
import { ProblemException } from '@rapport/platform-http';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import { toCustomerView } from '../customers/customer.view';
import { encodeSearchText, wantsFuzzy } from './search-key';
import { SearchRepository } from './search.repository';

/** GET /api/v1/customers/search lands here (its own path, so it never meets customers/:id). */
@Controller('internal/v1/customer-search')
export class SearchController {
  constructor(private readonly search: SearchRepository) {}

  @Get()
  @CallerScopes('customers:read')
  async find(@Query() query: SearchCustomersQuery, @Caller() caller: CallerIdentity): Promise<CustomerSearchPage> {
    const limit = query.limit ?? 20;
    const encoded = encodeSearchText(query.q);
    if (encoded.length === 0) return { items: [], nextCursor: null };
    let after: { score: number; id: string } | undefined;
    if (query.cursor !== undefined) {
      const decoded = decodeCursor(query.cursor, `search:${encoded}`);
      if (!decoded || typeof decoded.key !== 'number') {
        throw new ProblemException('validation', 'cursor is not a cursor of this search', {
          errors: [{ field: 'cursor', message: 'cursor does not belong to this query' }],
        });
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
