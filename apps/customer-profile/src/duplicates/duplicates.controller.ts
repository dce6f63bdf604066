import { Controller, Get, Query } from '@nestjs/common';
import { DuplicatesQuery, type DuplicatePairList } from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import { DuplicatesService } from './duplicates.service';

/** GET /api/v1/customers/duplicates lands here: likely duplicates to review, newest first. */
@Controller('internal/v1/customer-duplicates')
export class DuplicatesController {
  constructor(private readonly duplicates: DuplicatesService) {}

  @Get()
  @CallerScopes('customers:read')
  list(@Query() query: DuplicatesQuery, @Caller() caller: CallerIdentity): Promise<DuplicatePairList> {
    return this.duplicates.list(query, caller);
  }
}
