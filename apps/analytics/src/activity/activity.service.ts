import { Injectable } from '@nestjs/common';
import type {
  CsatSubmittedV1,
  EventData,
  FollowUpCompletedV1,
  FollowUpCreatedV1,
  FollowUpDueV1,
  FollowUpOverdueV1,
  FollowUpSnoozedV1,
  InteractionLoggedV1,
  SurveyRespondedV1,
  TicketCreatedV1,
  TicketEscalatedV1,
  TicketRepliedV1,
  TicketTransitionedV1,
  TicketUpdatedV1,
} from '@rapport/contracts';
import type { EntityManager } from 'typeorm';
import { ActivityRepository, type PointsKind, type SlaTarget } from './activity.repository';
import { isOpenStatus, surveyFigure } from './activity.rules';

/** An event's data with the id its facts are kept under (CustomerKeys): the survivor, or null once erased. */
export type Keyed<T extends { customerId: string }> = Omit<T, 'customerId'> & { customerId: string | null };

type FollowUpEvent = Keyed<
  | EventData<typeof FollowUpCreatedV1>
  | EventData<typeof FollowUpDueV1>
  | EventData<typeof FollowUpOverdueV1>
  | EventData<typeof FollowUpSnoozedV1>
  | EventData<typeof FollowUpCompletedV1>
>;

/**
 * The activity facts from interaction's, service-desk's and loyalty's events. Each method runs inside
 * the inbox transaction of its event (the manager), so a redelivered event changes nothing. An erased
 * customer's fact is kept without the customer and touches no per-customer row. SLA
 * outcomes are taken as service-desk reports them (sla.breached), never computed again here.
 */
@Injectable()
export class ActivityService {
  constructor(private readonly repository: ActivityRepository) {}

  async interactionLogged(manager: EntityManager, e: Keyed<EventData<typeof InteractionLoggedV1>>): Promise<void> {
    await this.repository.addInteraction(manager, {
      interactionId: e.interactionId,
      customerId: e.customerId,
      agent: e.agent,
      channel: e.channel,
      direction: e.direction,
      occurredAt: e.occurredAt,
    });
    if (e.customerId) await this.repository.touchContact(manager, e.customerId, e.occurredAt);
  }

  async followUp(
    manager: EntityManager,
    e: FollowUpEvent,
    change: { createdAt?: string; overdueAt?: string; completedAt?: string; snoozed?: boolean },
  ): Promise<void> {
    await this.repository.upsertFollowUp(
      manager,
      {
        followUpId: e.followUpId,
        customerId: e.customerId,
        assignee: e.assignee,
        team: e.team,
        channel: e.channel,
        dueAt: e.dueAt,
      },
      change,
    );
  }

  async ticketCreated(manager: EntityManager, e: Keyed<EventData<typeof TicketCreatedV1>>): Promise<void> {
    await this.repository.openTicket(manager, {
      ticketId: e.ticketId,
      customerId: e.customerId,
      type: e.type,
      priority: e.priority,
      team: e.team,
      queue: e.queue,
      assignee: e.assignee,
      status: e.status,
      open: isOpenStatus(e.status),
      receivedAt: e.receivedAt,
    });
    if (e.type === 'complaint' && e.customerId) await this.repository.refreshOpenComplaints(manager, e.customerId);
  }

  async ticketUpdated(
    manager: EntityManager,
    e: EventData<typeof TicketUpdatedV1> | EventData<typeof TicketEscalatedV1>,
  ): Promise<void> {
    await this.repository.updateTicket(manager, e.ticketId, {
      priority: e.priority,
      assignee: e.assignee,
      version: e.version,
    });
  }

  async ticketTransitioned(manager: EntityManager, e: Keyed<EventData<typeof TicketTransitionedV1>>): Promise<void> {
    await this.repository.transitionTicket(manager, e.ticketId, {
      to: e.to,
      open: isOpenStatus(e.to),
      at: e.at,
      actor: e.actor,
      version: e.version,
    });
    if (e.customerId) await this.repository.refreshOpenComplaints(manager, e.customerId);
  }

  async ticketReplied(manager: EntityManager, e: Keyed<EventData<typeof TicketRepliedV1>>): Promise<void> {
    if (e.first) await this.repository.firstResponse(manager, e.ticketId, e.at);
    if (e.customerId) await this.repository.touchContact(manager, e.customerId, e.at);
  }

  async slaDue(
    manager: EntityManager,
    e: { ticketId: string; target: SlaTarget; due: string },
    breached: boolean,
  ): Promise<void> {
    await this.repository.slaDue(manager, e.ticketId, e.target, e.due, breached);
  }

  async csatSubmitted(manager: EntityManager, e: Keyed<EventData<typeof CsatSubmittedV1>>): Promise<void> {
    await this.repository.addCsatRating(manager, {
      ticketId: e.ticketId,
      resolution: e.resolution,
      customerId: e.customerId,
      rating: e.rating,
      submittedAt: e.submittedAt,
    });
    if (e.customerId)
      await this.repository.lastSurvey(manager, e.customerId, {
        score: e.rating,
        kind: 'ticket-csat',
        at: e.submittedAt,
      });
  }

  async surveyResponded(manager: EntityManager, e: Keyed<EventData<typeof SurveyRespondedV1>>): Promise<void> {
    await this.repository.addSurveyScores(manager, {
      surveyId: e.surveyId,
      invitationId: e.invitationId,
      customerId: e.customerId,
      respondedAt: e.respondedAt,
      scores: e.scores.map((s) => ({ questionId: s.questionId, kind: s.type, value: s.value })),
    });
    const figure = surveyFigure(e.scores);
    if (figure && e.customerId)
      await this.repository.lastSurvey(manager, e.customerId, { ...figure, at: e.respondedAt });
  }

  async points(
    manager: EntityManager,
    kind: PointsKind,
    e: { movementId: string; customerId: string | null; points: number; occurredAt: string },
  ): Promise<void> {
    await this.repository.addPointsMovement(manager, { ...e, kind });
  }
}
