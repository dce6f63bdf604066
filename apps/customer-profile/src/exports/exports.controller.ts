import { Controller, Get, Res } from '@nestjs/common';
import { customerVisibility } from '@rapport/platform-auth';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { Response } from 'express';
import { CustomerCsvWriter } from './customer-csv';
import { ExportsService } from './exports.service';

/**
 * Streaming CSV export of the customers the caller may see.
 * Registered before the customers module: `export.csv` must not be taken for a customer id.
 */
@Controller('internal/v1/customers')
export class ExportsController {
  constructor(
    private readonly exports: ExportsService,
    private readonly csv: CustomerCsvWriter,
  ) {}

  @Get('export.csv')
  @CallerScopes('customers:read')
  async exportCsv(@Caller() caller: CallerIdentity, @Res() response: Response): Promise<void> {
    const visibility = customerVisibility(caller);
    await this.csv.write(response, 'customers.csv', caller.scopes.includes('pii:read'), (after, limit) =>
      this.exports.page(visibility, after, limit),
    );
  }
}
