import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ExpiryRunRequest, type ExpiryRunView, type ReconciliationView } from '@rapport/contracts';
import { CallerScopes } from '@rapport/platform-runtime';
import { ExpiryService } from './expiry.service';
import { LedgerService } from './ledger.service';

@Controller('internal/v1/admin')
export class AdminController {
  constructor(
    private readonly expiry: ExpiryService,
    private readonly ledger: LedgerService,
  ) {}

  /** The scheduled job's work on demand; running it twice changes nothing the second time. */
  @Post('expiry-runs')
  @HttpCode(200)
  @CallerScopes('admin')
  async expire(@Body() body: ExpiryRunRequest): Promise<ExpiryRunView> {
    const asOf = body.asOf ? new Date(body.asOf) : new Date();
    const { expired, holds, tiers } = await this.expiry.run(asOf);
    return {
      asOf: asOf.toISOString(),
      members: expired.members,
      points: expired.points,
      holdsReleased: holds.holds,
      tiersReviewed: tiers.reviewed,
      tiersChanged: tiers.changed,
    };
  }

  @Get('reconciliation')
  @CallerScopes('admin')
  async reconciliation(): Promise<ReconciliationView> {
    return this.ledger.reconciliation();
  }
}
