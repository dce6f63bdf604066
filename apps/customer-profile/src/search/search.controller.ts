import { Controller, Get, Query } from '@nestjs/common';
import { SearchCustomersQuery, type CustomerSearchPage } from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import { SearchService } from './search.service';

/** GET /api/v1/customers/search lands here (its own path, so it never meets customers/:id). */
@Controller('internal/v1/customer-search')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get()
  @CallerScopes('customers:read')
  find(@Query() query: SearchCustomersQuery, @Caller() caller: CallerIdentity): Promise<CustomerSearchPage> {
    return this.search.find(query, caller);
  }
}
