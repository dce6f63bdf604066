import { Injectable } from '@nestjs/common';
import {
  QUEUE_NAME_PATTERN,
  type PutQueueRequest,
  type QueueAssignment,
  type RoutingReason,
  type TicketChannel,
  type TicketType,
} from '@rapport/contracts';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { chooseAssignee, chooseQueue, FALLBACK_QUEUE } from './queue-routing';
import { QueuesErrorCode, QueuesException } from './queues.exception';
import { QueuesRepository, type QueueRecord } from './queues.repository';

/** Where routing put a new ticket, and why. */
export interface RoutingOutcome {
  queue: string;
  reason: RoutingReason;
  assignee: string | null;
  assignment: QueueAssignment;
  /** The team of the queue (null: the queue does not exist, e.g. general was removed by hand). */
  queueTeam: string | null;
}

/**
 * Queues and the routing of new tickets into them. Anyone who reads tickets reads the queues; an admin,
 * or the manager of the queue's team, creates or replaces one.
 */
@Injectable()
export class QueuesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: QueuesRepository,
  ) {}

  list(): Promise<QueueRecord[]> {
    return this.queues.list();
  }

  async get(name: string): Promise<QueueRecord> {
    const queue = QUEUE_NAME_PATTERN.test(name) ? await this.queues.find(name) : undefined;
    if (!queue) throw new QueuesException(QueuesErrorCode.QueueNotFound, `Queue ${name} was not found`);
    return queue;
  }

  async put(
    name: string,
    request: PutQueueRequest,
    caller: CallerIdentity,
  ): Promise<{ queue: QueueRecord; created: boolean }> {
    if (!QUEUE_NAME_PATTERN.test(name))
      throw new QueuesException(
        QueuesErrorCode.InvalidQueueName,
        'name must be lower-case letters, digits and dashes (at most 63)',
        'name',
      );
    if (name === FALLBACK_QUEUE && request.vip)
      throw new QueuesException(
        QueuesErrorCode.FallbackQueue,
        'The general queue is the fallback; it cannot be the VIP queue',
        'vip',
      );
    try {
      return await this.dataSource.transaction(async (manager) => {
        const existing = await this.queues.find(name, manager, true);
        this.mayChange(caller, request.team, existing);
        return this.queues.upsert(manager, {
          name,
          team: request.team,
          lead: request.lead ?? null,
          members: request.members,
          available: request.available ?? null,
          assignment: request.assignment,
          match: {
            ...(request.match?.types ? { types: request.match.types } : {}),
            ...(request.match?.categories ? { categories: request.match.categories } : {}),
            ...(request.match?.channels ? { channels: request.match.channels } : {}),
          },
          priority: request.priority ?? 100,
          vip: request.vip ?? false,
        });
      });
    } catch (error) {
      if (
        error instanceof QueryFailedError &&
        (error.driverError as { constraint?: string }).constraint === 'queues_one_vip'
      )
        throw new QueuesException(QueuesErrorCode.OneVipQueue, 'Another queue is the VIP queue: there is one', 'vip');
      throw error;
    }
  }

  /**
   * Routes a new ticket inside its transaction: the queue (VIP, first match, or general), then the
   * assignee by the queue's rule, under the queue's row lock (the round-robin cursor moves with it). An
   * assignee the caller chose stays. Routing never fails a ticket: without queues it goes to general.
   */
  async route(
    manager: EntityManager,
    ticket: { type: TicketType; category: string | null; channel: TicketChannel; vip: boolean },
    chosenAssignee: string | null,
  ): Promise<RoutingOutcome> {
    const queues = await this.queues.list(manager);
    const { queue: name, reason } = chooseQueue(queues, ticket);
    const queueTeam = queues.find((q) => q.name === name)?.team ?? null;
    if (chosenAssignee !== null)
      return { queue: name, reason, assignee: chosenAssignee, assignment: 'manual', queueTeam };
    const queue = await this.queues.lockForAssignment(manager, name);
    if (!queue) return { queue: name, reason, assignee: null, assignment: 'manual', queueTeam };
    const loads =
      queue.assignment === 'least-loaded' ? await this.queues.openTicketsOf(manager, queue.members) : undefined;
    const { assignee, cursor } = chooseAssignee(queue, loads);
    if (cursor !== queue.cursor) await this.queues.setCursor(manager, name, cursor);
    return { queue: name, reason, assignee, assignment: queue.assignment, queueTeam };
  }

  /** Who takes a ticket of the queue back when a customer is unhappy: its lead (null: none, or no such queue). */
  async leadOf(manager: EntityManager, name: string | null): Promise<string | null> {
    if (name === null) return null;
    return (await this.queues.find(name, manager))?.lead ?? null;
  }

  private mayChange(caller: CallerIdentity, team: string, existing: QueueRecord | undefined): void {
    if (caller.roles.includes('admin')) return;
    const manager = caller.roles.includes('manager') && caller.team !== undefined;
    if (manager && team === caller.team && (existing === undefined || existing.team === caller.team)) return;
    throw new QueuesException(
      QueuesErrorCode.NotYourTeam,
      "Queues are changed by an admin or by the manager of the queue's team",
    );
  }
}
