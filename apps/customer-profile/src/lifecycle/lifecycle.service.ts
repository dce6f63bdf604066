import { Inject, Injectable } from '@nestjs/common';
import type { LifecycleStage, ValueTier } from '@rapport/contracts';
import { customerVisibility } from '@rapport/platform-auth';
import { OutboxWriter } from '@rapport/platform-messaging';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { CustomerNotFoundException } from '../customers/customers.exception';
import { FEATURE_CONFIG, type FeatureConfig } from '../shared/feature.config';
import { lifecycleChangedEvent } from '../shared/lifecycle-changed.event';
import { LifecycleErrorCode, LifecycleException } from './lifecycle.exception';
import { LIFECYCLE_CONFIG, type LifecycleConfig } from './lifecycle.config';
import { LifecyclePolicy, type MergeSide } from './lifecycle.policy';
import { LifecycleRepository, type LifecycleRow, type LifecycleState } from './lifecycle.repository';

@Injectable()
export class LifecycleService {
  private readonly policy: LifecyclePolicy;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: LifecycleRepository,
    private readonly outbox: OutboxWriter,
    @Inject(FEATURE_CONFIG) private readonly config: FeatureConfig,
    @Inject(LIFECYCLE_CONFIG) lifecycleConfig: LifecycleConfig,
  ) {
    this.policy = new LifecyclePolicy({
      atRiskChurnRisk: lifecycleConfig.LIFECYCLE_AT_RISK_CHURN_RISK,
      loyalMaxChurnRisk: lifecycleConfig.LIFECYCLE_LOYAL_MAX_CHURN_RISK,
    });
  }

  /** Runs inside the purchase's transaction, on a customer row the caller already locked. */
  async onPurchase(
    manager: EntityManager,
    customerId: string,
    current: LifecycleStage,
    purchasesBefore: number,
  ): Promise<void> {
    const move = this.policy.onPurchase(current, purchasesBefore);
    if (move) await this.move(manager, customerId, current, move.to, move.reason, true, null);
  }

  /** Runs inside the score's inbox transaction, on a customer row the caller already locked (updated). */
  async onScore(
    manager: EntityManager,
    customerId: string,
    current: LifecycleStage,
    score: { valueTier: ValueTier; churnRisk: number },
  ): Promise<LifecycleStage> {
    const move = this.policy.onScore(current, score);
    if (!move) return current;
    await this.move(manager, customerId, current, move.to, move.reason, true, null);
    return move.to;
  }

  /** A merge, before the purchases move: what the lifecycle needs to know of both sides. */
  mergeSides(
    manager: EntityManager,
    survivorId: string,
    mergedId: string,
  ): Promise<{ survivor: MergeSide; merged: MergeSide }> {
    return this.repository.mergeSides(manager, survivorId, mergedId);
  }

  /** A merge, after the purchases moved: the histories come together and the survivor settles on one stage. */
  async afterMerge(
    manager: EntityManager,
    survivorId: string,
    mergedId: string,
    sides: { survivor: MergeSide; merged: MergeSide },
  ): Promise<void> {
    await this.repository.moveHistory(manager, mergedId, survivorId);
    const move = this.policy.onMerge(sides.survivor, sides.merged, mergedId);
    if (move) await this.move(manager, survivorId, sides.survivor.stage, move.to, move.reason, true, null);
  }

  async changeByHand(id: string, stage: LifecycleStage, reason: string, caller: CallerIdentity): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const customer = await this.repository.lockVisible(manager, id, customerVisibility(caller));
      if (!customer) throw new CustomerNotFoundException(id);
      if (customer.stage === stage) {
        throw new LifecycleException(
          LifecycleErrorCode.AlreadyInStage,
          `The customer is already in stage ${stage}`,
          'stage',
        );
      }
      await this.move(manager, id, customer.stage, stage, reason, false, caller.sub);
    });
  }

  async view(id: string, caller: CallerIdentity): Promise<LifecycleState & { history: LifecycleRow[] }> {
    const current = await this.repository.findVisible(id, customerVisibility(caller));
    if (!current) throw new CustomerNotFoundException(id);
    return { ...current, history: await this.repository.history(id) };
  }

  /** The churn job: safe to run twice or on several replicas at once. */
  async churnInactive(): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      const reason = `no purchase for ${this.config.LIFECYCLE_CHURN_DAYS} days`;
      const moved = await this.repository.churnInactive(
        manager,
        this.policy.churnable,
        this.config.LIFECYCLE_CHURN_DAYS,
        reason,
      );
      await this.outbox.addMany(
        manager,
        moved.map((row) =>
          lifecycleChangedEvent(
            row.customer_id,
            { from: row.from_stage as LifecycleStage, to: 'churned', reason },
            row.changed_at,
          ),
        ),
      );
      return moved.map((r) => r.customer_id);
    });
  }

  private async move(
    manager: EntityManager,
    customerId: string,
    from: LifecycleStage,
    to: LifecycleStage,
    reason: string,
    automatic: boolean,
    changedBy: string | null,
  ): Promise<void> {
    const changedAt = await this.repository.setStage(manager, { customerId, from, to, reason, automatic, changedBy });
    await this.outbox.addMany(manager, [lifecycleChangedEvent(customerId, { from, to, reason }, changedAt)]);
  }
}
