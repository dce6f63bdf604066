import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ChangeLifecycleRequest, type JobResultView, type LifecycleView } from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import { LifecycleService } from './lifecycle.service';

@Controller('internal/v1')
export class LifecycleController {
  constructor(private readonly lifecycle: LifecycleService) {}

  @Post('customers/:id/lifecycle')
  @HttpCode(200)
  @CallerScopes('customers:write')
  async change(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ChangeLifecycleRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<LifecycleView> {
    await this.lifecycle.changeByHand(id, body.stage, body.reason, caller);
    return this.get(id, caller);
  }

  @Get('customers/:id/lifecycle')
  @CallerScopes('customers:read')
  async get(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: CallerIdentity): Promise<LifecycleView> {
    const view = await this.lifecycle.view(id, caller);
    return {
      customerId: id,
      stage: view.stage,
      changedAt: view.changedAt ? new Date(view.changedAt).toISOString() : null,
      history: view.history.map((h) => ({
        from: h.from_stage,
        to: h.to_stage,
        reason: h.reason,
        automatic: h.automatic,
        changedBy: h.changed_by,
        changedAt: new Date(h.changed_at).toISOString(),
      })),
      valueTier: view.valueTier,
      churnRisk: view.churnRisk,
      scoredAt: view.scoredAt ? new Date(view.scoredAt).toISOString() : null,
    };
  }

  @Post('lifecycle/churn-runs')
  @HttpCode(200)
  @CallerScopes('admin')
  async churn(): Promise<JobResultView> {
    const ids = await this.lifecycle.churnInactive();
    return { changed: ids.length, customerIds: ids };
  }
}
