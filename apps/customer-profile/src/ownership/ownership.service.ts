import { Inject, Injectable } from '@nestjs/common';
import { OwnershipChangedV1 } from '@rapport/contracts';
import { customerVisibility } from '@rapport/platform-auth';
import { ProblemException } from '@rapport/platform-http';
import { OutboxWriter } from '@rapport/platform-messaging';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { FEATURE_CONFIG, type FeatureConfig } from '../purchases/purchases.config';
import { OwnershipRepository, type OwnershipRow } from './ownership.repository';
import { OwnershipRules, type OwnershipDecision } from './ownership.rules';

type Change = 'assigned' | 'transferred' | 'claimed' | 'released' | 'recycled';

@Injectable()
export class OwnershipService {
  private readonly rules = new OwnershipRules();

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: OwnershipRepository,
    private readonly outbox: OutboxWriter,
    @Inject(FEATURE_CONFIG) private readonly config: FeatureConfig,
  ) {}

  assign(id: string, target: { ownerId: string; team: string; reason: string }, caller: CallerIdentity): Promise<OwnershipRow> {
    return this.change(id, caller, (current) => this.rules.assign(current, caller, target), { ownerId: target.ownerId, team: target.team }, target.reason);
  }

  release(id: string, reason: string, caller: CallerIdentity): Promise<OwnershipRow> {
    // The pool remembers the team the customer came from, so that team's manager still sees it.
    return this.change(id, caller, (current) => this.rules.release(current, caller), (current) => ({ ownerId: null, team: current.team }), reason);
  }

  claim(id: string, reason: string | undefined, caller: CallerIdentity): Promise<OwnershipRow> {
    return this.change(
      id,
      caller,
      async (current, manager) => this.rules.claim(current, caller, await this.repository.holdingOf(manager, caller.sub), this.config.POOL_HOLDING_CAP),
      { ownerId: caller.sub, team: caller.team ?? null },
      reason ?? null,
    );
  }

  async history(id: string, caller: CallerIdentity): Promise<OwnershipRow[]> {
    if (!(await this.repository.isVisible(id, customerVisibility(caller)))) throw new ProblemException('notFound', `Customer ${id} was not found`);
    return this.repository.history(id);
  }

  /** The recycle job: safe to run twice or on several replicas at once. */
  async recycleInactive(): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      const reason = `no contact for ${this.config.POOL_RECYCLE_DAYS} days`;
      const moved = await this.repository.recycleInactive(manager, this.config.POOL_RECYCLE_DAYS, reason);
      for (const row of moved) {
        await this.outbox.add(manager, OwnershipChangedV1, row.customer_id, {
          customerId: row.customer_id,
          change: 'recycled',
          ownerId: null,
          team: row.team,
          previousOwnerId: row.previous_owner_id,
          reason,
          changedAt: new Date(row.changed_at).toISOString(),
        });
      }
      return moved.map((r) => r.customer_id);
    });
  }

  private async change(
    id: string,
    caller: CallerIdentity,
    decide: (current: { ownerId: string | null; team: string | null }, manager: EntityManager) => OwnershipDecision | Promise<OwnershipDecision>,
    next: { ownerId: string | null; team: string | null } | ((current: { ownerId: string | null; team: string | null }) => { ownerId: string | null; team: string | null }),
    reason: string | null,
  ): Promise<OwnershipRow> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.repository.lockVisible(manager, id, customerVisibility(caller));
      if (!current) throw new ProblemException('notFound', `Customer ${id} was not found`);
      const decision = await decide(current, manager);
      if (!decision.ok) {
        throw new ProblemException(decision.kind, decision.message, decision.field ? { errors: [{ field: decision.field, message: decision.message }] } : {});
      }
      const target = typeof next === 'function' ? next(current) : next;
      const row = await this.repository.changeOwner(manager, {
        customerId: id,
        change: decision.change,
        ownerId: target.ownerId,
        team: target.team,
        previous: current,
        reason,
        changedBy: caller.sub,
      });
      await this.outbox.add(manager, OwnershipChangedV1, id, {
        customerId: id,
        change: decision.change as Change,
        ownerId: target.ownerId,
        team: target.team,
        previousOwnerId: current.ownerId,
        ...(reason ? { reason } : {}),
        changedAt: new Date(row.changed_at).toISOString(),
      });
      return row;
    });
  }
}
