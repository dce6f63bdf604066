import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ExpiryRunRequest, UpdateProgrammeRequest, type ExpiryRunView, type ProgrammeView, type ReconciliationView } from '@rapport/contracts';
import { ProblemException } from '@rapport/platform-http';
import { ProgrammeSchema } from '../programme/programme';
import { LedgerErrorCode, LedgerException } from './ledger.exception';
import { CallerScopes } from '@rapport/platform-runtime';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';

@Controller('internal/v1')
export class AdminController {
  constructor(
    private readonly repository: LedgerRepository,
    private readonly ledger: LedgerService,
  ) {}

  @Get('programme')
  @CallerScopes('loyalty:read')
  async programme(): Promise<ProgrammeView> {
    const programme = await this.repository.programme();
    return { config: programme.config, version: programme.version, updatedAt: programme.updatedAt.toISOString() };
  }

  /** Optimistic concurrency on the version; the merged programme is validated as a whole. */
  @Patch('programme')
  @CallerScopes('admin')
  async updateProgramme(@Body() body: UpdateProgrammeRequest): Promise<ProgrammeView> {
    const current = await this.repository.programme();
    const parsed = ProgrammeSchema.safeParse({ ...current.config, ...body.config });
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({ field: ['config', ...i.path.map(String)].join('.'), message: i.message }));
      throw new ProblemException('validation', 'The programme is not valid', { errors });
    }
    const updated = await this.repository.updateProgramme(parsed.data, body.version);
    if (!updated) {
      throw new LedgerException(LedgerErrorCode.ProgrammeVersionMismatch, `The programme is at version ${current.version}, not ${body.version}`, 'version');
    }
    return { config: parsed.data, version: updated.version, updatedAt: updated.updatedAt.toISOString() };
  }

  /** The scheduled job's work on demand; running it twice changes nothing the second time. */
  @Post('admin/expiry-runs')
  @HttpCode(200)
  @CallerScopes('admin')
  async expire(@Body() body: ExpiryRunRequest): Promise<ExpiryRunView> {
    const asOf = body.asOf ? new Date(body.asOf) : new Date();
    const expired = await this.ledger.expire(asOf);
    // Holds are a checkout's real-time promise: a rehearsal in the future must not cut running ones short.
    const holds = await this.ledger.releaseExpiredHolds(new Date(Math.min(asOf.getTime(), Date.now())));
    const tiers = await this.ledger.reviewTiers(asOf);
    return {
      asOf: asOf.toISOString(),
      members: expired.members,
      points: expired.points,
      holdsReleased: holds.holds,
      tiersReviewed: tiers.reviewed,
      tiersChanged: tiers.changed,
    };
  }

  @Get('admin/reconciliation')
  @CallerScopes('admin')
  async reconciliation(): Promise<ReconciliationView> {
    const r = await this.repository.reconciliation();
    const ok =
      r.entriesSum === 0 &&
      r.unbalancedMovements === 0 &&
      r.liabilityTotal === r.balanceTotal &&
      r.balanceTotal === r.movementsTotal &&
      r.movementsTotal === r.lotsTotal &&
      r.negativeLots === 0 &&
      r.mismatchedMembers === 0;
    return { ok, ...r };
  }
}
