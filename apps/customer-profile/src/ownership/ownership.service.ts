import { Inject, Injectable } from '@nestjs/common';
import { OwnershipChangedV1 } from '@rapport/contracts';
import { customerVisibility } from '@rapport/platform-auth';
import { OutboxWriter } from '@rapport/platform-messaging';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { FEATURE_CONFIG, type FeatureConfig } from '../shared/feature.config';
import { OwnershipRepository, type OwnershipRow } from './ownership.repository';
import { OWNERSHIP_CONFIG, type OwnershipConfig } from './ownership.config';
import { CustomerNotFoundException } from '../customers/customers.exception';
import { OwnershipErrorCode, OwnershipException } from './ownership.exception';
import { OwnershipRules, type OwnershipDecision } from './ownership.rules';
import { RoundRobinRule } from './round-robin.rule';
import { TeamsRepository, type TeamRow } from './teams.repository';

type Change = 'assigned' | 'transferred' | 'claimed' | 'released' | 'recycled';

@Injectable()
export class OwnershipService {
  private readonly rules = new OwnershipRules();
  private readonly roundRobin = new RoundRobinRule();

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: OwnershipRepository,
    private readonly teams: TeamsRepository,
    private readonly outbox: OutboxWriter,
    @Inject(FEATURE_CONFIG) private readonly config: FeatureConfig,
    @Inject(OWNERSHIP_CONFIG) private readonly tiers: OwnershipConfig,
  ) {}

  assign(
    id: string,
    target: { ownerId: string; team: string; reason: string },
    caller: CallerIdentity,
  ): Promise<OwnershipRow> {
    return this.change(
      id,
      caller,
      (current) => this.rules.assign(current, caller, target),
      { ownerId: target.ownerId, team: target.team },
      target.reason,
    );
  }

  release(id: string, reason: string, caller: CallerIdentity): Promise<OwnershipRow> {
    // The pool remembers the team the customer came from, so that team's manager still sees it.
    return this.change(
      id,
      caller,
      (current) => this.rules.release(current, caller),
      (current) => ({ ownerId: null, team: current.team }),
      reason,
    );
  }

  claim(id: string, reason: string | undefined, caller: CallerIdentity): Promise<OwnershipRow> {
    return this.change(
      id,
      caller,
      async (current, manager) =>
        this.rules.claim(
          current,
          caller,
          await this.repository.holdingOf(manager, caller.sub),
          this.config.POOL_HOLDING_CAP,
        ),
      { ownerId: caller.sub, team: caller.team ?? null },
      reason ?? null,
    );
  }

  async history(id: string, caller: CallerIdentity): Promise<OwnershipRow[]> {
    if (!(await this.repository.isVisible(id, customerVisibility(caller)))) throw new CustomerNotFoundException(id);
    return this.repository.history(id);
  }

  /**
   * Assignment by rule: round robin within `team`. The team's cursor row is locked for the whole
   * transaction, so concurrent assignments of one team take turns one after the other and never
   * give the same turn twice; members at the holding cap (and the current owner) are skipped.
   */
  assignByRule(
    id: string,
    request: { rule: 'round-robin'; team: string; reason?: string },
    caller: CallerIdentity,
  ): Promise<OwnershipRow> {
    let picked: string | null = null;
    return this.change(
      id,
      caller,
      async (current, manager) => {
        const refused = this.rules.mayAssignIn(caller, request.team);
        if (refused) return refused;
        const team = await this.teams.lock(manager, request.team);
        if (!team)
          return {
            ok: false,
            code: OwnershipErrorCode.NoTeamMemberAvailable,
            field: 'team',
            message: `team ${request.team} has no member list (PUT /api/v1/teams/${request.team}/members)`,
          };
        const holdings = await this.repository.holdingsOf(manager, team.member_ids);
        const pick = this.roundRobin.next(
          { members: team.member_ids, nextPosition: team.next_position },
          holdings,
          this.config.POOL_HOLDING_CAP,
          current.ownerId,
        );
        if (!pick.ok) {
          const message =
            pick.reason === 'no-members'
              ? `team ${request.team} has no members`
              : `no member of team ${request.team} can take the customer (all at the holding cap of ${this.config.POOL_HOLDING_CAP} or already its owner)`;
          return { ok: false, code: OwnershipErrorCode.NoTeamMemberAvailable, field: 'team', message };
        }
        await this.teams.advance(manager, request.team, pick.nextPosition);
        picked = pick.ownerId;
        return { ok: true, change: current.ownerId === null ? 'assigned' : 'transferred' };
      },
      () => ({ ownerId: picked, team: request.team }),
      request.reason ?? `round robin in team ${request.team}`,
    );
  }

  /**
   * Round robin for a customer being created, inside the creator's transaction (`manager`), so
   * that customer.created and ownership.changed commit together. Department clients (whose
   * customers would land in the pool) may ask for any team; people as for assignByRule (admins,
   * managers within their team). Problems name `field` (the create body's `assign.team`).
   */
  async assignCreatedByRule(
    manager: EntityManager,
    customerId: string,
    request: { rule: 'round-robin'; team: string; field: string },
    caller: CallerIdentity,
  ): Promise<OwnershipRow> {
    const refused = caller.roles.includes('integration') ? null : this.rules.mayAssignIn(caller, request.team);
    if (refused && !refused.ok)
      throw new OwnershipException(OwnershipErrorCode.NotAllowed, refused.message, request.field);
    const team = await this.teams.lock(manager, request.team);
    if (!team)
      throw new OwnershipException(
        OwnershipErrorCode.NoTeamMemberAvailable,
        `team ${request.team} has no member list (PUT /api/v1/teams/${request.team}/members)`,
        request.field,
      );
    const holdings = await this.repository.holdingsOf(manager, team.member_ids);
    const pick = this.roundRobin.next(
      { members: team.member_ids, nextPosition: team.next_position },
      holdings,
      this.config.POOL_HOLDING_CAP,
    );
    if (!pick.ok) {
      throw new OwnershipException(
        OwnershipErrorCode.NoTeamMemberAvailable,
        pick.reason === 'no-members'
          ? `team ${request.team} has no members`
          : `no member of team ${request.team} can take the customer (all at the holding cap of ${this.config.POOL_HOLDING_CAP})`,
        request.field,
      );
    }
    await this.teams.advance(manager, request.team, pick.nextPosition);
    const reason = `round robin in team ${request.team}`;
    const row = await this.repository.changeOwner(manager, {
      customerId,
      change: 'assigned',
      ownerId: pick.ownerId,
      team: request.team,
      previous: { ownerId: null, team: null },
      reason,
      changedBy: caller.sub,
    });
    await this.outbox.add(manager, OwnershipChangedV1, customerId, {
      customerId,
      change: 'assigned',
      ownerId: pick.ownerId,
      team: request.team,
      previousOwnerId: null,
      reason,
      changedAt: new Date(row.changed_at).toISOString(),
    });
    return row;
  }

  async team(team: string): Promise<TeamRow> {
    const row = await this.teams.find(team);
    if (!row) throw new OwnershipException(OwnershipErrorCode.TeamNotFound, `Team ${team} has no member list`);
    return row;
  }

  /** Admins set any team's members, a manager their own team's. */
  async replaceTeamMembers(team: string, userIds: readonly string[], caller: CallerIdentity): Promise<TeamRow> {
    const admin = caller.roles.includes('admin');
    if (!admin && !(caller.roles.includes('manager') && caller.team === team)) {
      throw new OwnershipException(
        OwnershipErrorCode.NotAllowed,
        'only an admin or the team’s manager sets its members',
      );
    }
    return this.teams.replaceMembers(team, userIds, caller.sub);
  }

  /** The recycle job: safe to run twice or on several replicas at once. */
  async recycleInactive(): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      const moved = await this.repository.recycleInactive(manager, {
        A: this.tiers.POOL_RECYCLE_DAYS_A,
        B: this.tiers.POOL_RECYCLE_DAYS_B,
        C: this.tiers.POOL_RECYCLE_DAYS_C,
        none: this.config.POOL_RECYCLE_DAYS,
      });
      for (const row of moved) {
        await this.outbox.add(manager, OwnershipChangedV1, row.customer_id, {
          customerId: row.customer_id,
          change: 'recycled',
          ownerId: null,
          team: row.team,
          previousOwnerId: row.previous_owner_id,
          reason: row.reason,
          changedAt: new Date(row.changed_at).toISOString(),
        });
      }
      return moved.map((r) => r.customer_id);
    });
  }

  private async change(
    id: string,
    caller: CallerIdentity,
    decide: (
      current: { ownerId: string | null; team: string | null },
      manager: EntityManager,
    ) => OwnershipDecision | Promise<OwnershipDecision>,
    next:
      | { ownerId: string | null; team: string | null }
      | ((current: { ownerId: string | null; team: string | null }) => { ownerId: string | null; team: string | null }),
    reason: string | null,
  ): Promise<OwnershipRow> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.repository.lockVisible(manager, id, customerVisibility(caller));
      if (!current) throw new CustomerNotFoundException(id);
      const decision = await decide(current, manager);
      if (!decision.ok) {
        throw new OwnershipException(decision.code, decision.message, decision.field);
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
