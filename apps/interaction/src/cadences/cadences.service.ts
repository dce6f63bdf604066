import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  CADENCE_STOP_CONDITIONS,
  type CadenceEnrolmentStatus,
  type CadenceStopCondition,
  type CadenceTrigger,
  type CreateCadenceRequest,
  type EnrolInCadenceRequest,
} from '@rapport/contracts';
import type { Logger } from '@rapport/platform-observability';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { CustomerRefsRepository } from '../customer-refs/customer-refs.repository';
import { FollowUpsRepository, type FollowUpRecord } from '../follow-ups/follow-ups.repository';
import { FollowUpsService } from '../follow-ups/follow-ups.service';
import { FollowUpCalendar } from '../shared/follow-up-calendar';
import { rowVisibility } from '../shared/row-visibility';
import { CadencesErrorCode, CadencesException } from './cadences.exception';
import { CadencesRepository, type CadenceRecord, type EnrolmentRecord } from './cadences.repository';

/** Who starts the cadences a lifecycle move triggers (createdBy of their follow-ups, actor of their events). */
const SYSTEM_ACTOR = 'cadence';

export interface EnrolmentState {
  enrolment: EnrolmentRecord;
  status: CadenceEnrolmentStatus;
  followUps: FollowUpRecord[];
}

/**
 * Cadences: named sequences of follow-up steps. An enrolment plans one follow-up per step (its due time
 * `dayOffset` business days on), in one transaction with the enrolment; a stop condition met ends it and
 * cancels its open follow-ups (their timers never fire).
 */
@Injectable()
export class CadencesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cadences: CadencesRepository,
    private readonly customers: CustomerRefsRepository,
    private readonly followUps: FollowUpsService,
    private readonly followUpRows: FollowUpsRepository,
    private readonly calendar: FollowUpCalendar,
  ) {}

  async create(request: CreateCadenceRequest, caller: CallerIdentity): Promise<CadenceRecord> {
    const created = await this.cadences.insert({
      id: randomUUID(),
      name: request.name,
      description: request.description ?? null,
      steps: request.steps.map((s) => ({ dayOffset: s.dayOffset, channel: s.channel, note: s.note ?? null })),
      stopOn: request.stopOn ?? [...CADENCE_STOP_CONDITIONS],
      trigger: request.trigger ?? 'manual',
      createdBy: caller.sub,
      createdAt: new Date(),
    });
    if (!created)
      throw new CadencesException(CadencesErrorCode.NameTaken, `A cadence named ${request.name} exists already`);
    return created;
  }

  list(): Promise<CadenceRecord[]> {
    return this.cadences.list();
  }

  async get(id: string): Promise<CadenceRecord> {
    const found = await this.cadences.find(id);
    if (!found) throw new CadencesException(CadencesErrorCode.CadenceNotFound, `Cadence ${id} was not found`);
    return found;
  }

  /** Starts the cadence for a customer by hand: the enrolment and one follow-up per step. */
  async enrol(cadenceId: string, request: EnrolInCadenceRequest, caller: CallerIdentity): Promise<EnrolmentState> {
    const cadence = await this.get(cadenceId);
    const who = this.followUps.assignment(request, caller);
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.customers.holdKnown(manager, request.customerId)))
        throw new CadencesException(
          CadencesErrorCode.CustomerUnknown,
          `Customer ${request.customerId} is not known to interaction`,
          { errors: [{ field: 'customerId', message: 'not known to interaction' }] },
        );
      const enrolled = await this.enrolIn(manager, cadence, request.customerId, who, caller, new Date());
      if (!enrolled)
        throw new CadencesException(
          CadencesErrorCode.AlreadyEnrolled,
          `Customer ${request.customerId} is in cadence ${cadence.name} already`,
        );
      return enrolled;
    });
  }

  /**
   * A customer moved to a lifecycle stage (in the consumer's inbox transaction): every cadence that stage
   * starts enrols the customer for their owner, unless it runs already. A customer in the public pool has
   * nobody to work the steps and is not enrolled.
   */
  async onLifecycleStage(manager: EntityManager, customerId: string, stage: string, logger: Logger): Promise<void> {
    const cadences = await this.cadences.triggeredBy(manager, `lifecycle:${stage}` as CadenceTrigger);
    if (cadences.length === 0) return;
    const owner = await this.customers.ownerOf(manager, customerId);
    if (!owner?.ownerId) {
      logger.info({ customerId, stage }, 'cadence not started: the customer has no owner (public pool or unknown)');
      return;
    }
    const now = new Date();
    for (const cadence of cadences) {
      const enrolled = await this.enrolIn(
        manager,
        cadence,
        customerId,
        { assignee: owner.ownerId, team: owner.team },
        { sub: SYSTEM_ACTOR, roles: [], scopes: [] },
        now,
      );
      if (enrolled) logger.info({ customerId, cadenceId: cadence.id, stage }, 'cadence started by a lifecycle move');
    }
  }

  /** The enrolment and one follow-up per step, in the caller's transaction; undefined when it runs already. */
  private async enrolIn(
    manager: EntityManager,
    cadence: CadenceRecord,
    customerId: string,
    who: { assignee: string; team: string | null },
    caller: CallerIdentity,
    now: Date,
  ): Promise<EnrolmentState | undefined> {
    const enrolment = await this.cadences.enrol(manager, {
      id: randomUUID(),
      cadenceId: cadence.id,
      customerId,
      ...who,
      stopOn: cadence.stopOn,
      stopped: false,
      stopReason: null,
      stoppedAt: null,
      enrolledBy: caller.sub,
      enrolledAt: now,
    });
    if (!enrolment) return undefined;
    const followUps: FollowUpRecord[] = [];
    for (const [index, step] of cadence.steps.entries())
      followUps.push(
        await this.followUps.plan(
          manager,
          {
            customerId,
            ...who,
            channel: step.channel,
            dueAt: this.calendar.addBusinessDays(now, step.dayOffset),
            note: step.note,
            enrolmentId: enrolment.id,
            stepIndex: index,
          },
          caller,
          now,
        ),
      );
    return { enrolment, status: 'active', followUps };
  }

  /** The cadence's enrolments the caller may see (of one customer, if given), each with its follow-ups. */
  async enrolments(
    cadenceId: string,
    customerId: string | undefined,
    caller: CallerIdentity,
  ): Promise<EnrolmentState[]> {
    await this.get(cadenceId);
    const enrolments = await this.cadences.enrolmentsOf(cadenceId, customerId, rowVisibility(caller));
    const followUps = await this.followUpRows.ofEnrolments(enrolments.map((e) => e.id));
    return enrolments.map((enrolment) => {
      const own = followUps.filter((f) => f.enrolmentId === enrolment.id);
      return { enrolment, status: statusOf(enrolment, own), followUps: own };
    });
  }

  /**
   * A stop condition met for the customer (in the consumer's inbox transaction): every running enrolment
   * that stops on it ends, and its open follow-ups are cancelled.
   */
  async stop(
    manager: EntityManager,
    customerId: string,
    condition: CadenceStopCondition,
    at: Date,
    logger: Logger,
  ): Promise<void> {
    const stopped = await this.cadences.stopRunning(manager, customerId, condition, at);
    if (stopped.length === 0) return;
    const cancelled = await this.followUpRows.cancelOpenOfEnrolments(
      manager,
      stopped.map((e) => e.id),
    );
    logger.info({ customerId, condition, enrolments: stopped.length, cancelled }, 'cadence enrolments stopped');
  }
}

/** Stopped, or completed once every step's follow-up is done, else active. */
export function statusOf(enrolment: EnrolmentRecord, followUps: FollowUpRecord[]): CadenceEnrolmentStatus {
  if (enrolment.stopped) return 'stopped';
  return followUps.length > 0 && followUps.every((f) => f.completedAt !== null) ? 'completed' : 'active';
}
