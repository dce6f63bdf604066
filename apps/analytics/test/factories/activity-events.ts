import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  CsatSubmittedV1,
  FollowUpCompletedV1,
  FollowUpCreatedV1,
  FollowUpOverdueV1,
  FollowUpSnoozedV1,
  InteractionLoggedV1,
  LifecycleChangedV1,
  OwnershipChangedV1,
  PointsEarnedV1,
  PointsRedeemedV1,
  SlaBreachedV1,
  SurveyRespondedV1,
  TicketCreatedV1,
  TicketRepliedV1,
  TicketTransitionedV1,
  TicketUpdatedV1,
  Topics,
  toBinaryMode,
  type EventEnvelope,
  type TicketStatus,
} from '@rapport/contracts';
import type { RecordProducer } from '@rapport/platform-messaging';

/**
 * The events of interaction, service-desk, loyalty and customer-profile that analytics' activity facts
 * come from, as their services publish them: keyed (subject) by the customer they are about.
 */
const iso = (at: Date | string) => (typeof at === 'string' ? at : at.toISOString());

export const interactionLogged = (
  customerId: string,
  agent: string,
  occurredAt: Date = new Date(),
  interactionId: string = randomUUID(),
) =>
  createEnvelope(InteractionLoggedV1, customerId, {
    interactionId,
    customerId,
    channel: 'phone',
    direction: 'outbound',
    occurredAt: iso(occurredAt),
    agent,
    outcome: null,
    durationSeconds: 120,
    ticketId: null,
    campaignId: null,
    followUpId: null,
    loggedAt: new Date().toISOString(),
  });

export interface FollowUpShape {
  followUpId: string;
  customerId: string;
  assignee: string;
  team: string | null;
  dueAt: Date;
}

export const followUp = (customerId: string, assignee: string, team: string | null, dueAt: Date): FollowUpShape => ({
  followUpId: randomUUID(),
  customerId,
  assignee,
  team,
  dueAt,
});

const followUpData = (f: FollowUpShape) => ({
  followUpId: f.followUpId,
  customerId: f.customerId,
  assignee: f.assignee,
  team: f.team,
  channel: 'phone' as const,
  dueAt: f.dueAt.toISOString(),
});

export const followUpCreated = (f: FollowUpShape, createdAt: Date = new Date()) =>
  createEnvelope(FollowUpCreatedV1, f.customerId, {
    ...followUpData(f),
    createdAt: createdAt.toISOString(),
    actor: f.assignee,
  });

export const followUpOverdue = (f: FollowUpShape) =>
  createEnvelope(FollowUpOverdueV1, f.customerId, { ...followUpData(f), firedAt: f.dueAt.toISOString() });

export const followUpSnoozed = (f: FollowUpShape, newDueAt: Date) =>
  createEnvelope(FollowUpSnoozedV1, f.customerId, {
    ...followUpData({ ...f, dueAt: newDueAt }),
    previousDueAt: f.dueAt.toISOString(),
    snoozedAt: new Date().toISOString(),
    actor: f.assignee,
  });

export const followUpCompleted = (f: FollowUpShape, completedAt: Date) =>
  createEnvelope(FollowUpCompletedV1, f.customerId, {
    ...followUpData(f),
    interactionId: randomUUID(),
    completedAt: completedAt.toISOString(),
    actor: f.assignee,
  });

export interface TicketShape {
  ticketId: string;
  customerId: string;
  team: string;
  assignee: string | null;
  type: 'complaint' | 'inquiry' | 'request' | 'feedback';
  receivedAt: Date;
}

export const ticket = (
  customerId: string,
  team: string,
  assignee: string | null,
  receivedAt: Date = new Date(),
  type: TicketShape['type'] = 'complaint',
): TicketShape => ({ ticketId: randomUUID(), customerId, team, assignee, type, receivedAt });

export const ticketCreated = (t: TicketShape) =>
  createEnvelope(TicketCreatedV1, t.customerId, {
    ticketId: t.ticketId,
    customerId: t.customerId,
    type: t.type,
    channel: 'phone',
    priority: 'normal',
    category: null,
    team: t.team,
    assignee: t.assignee,
    queue: 'general',
    routedBy: 'fallback',
    vip: false,
    status: 'received',
    receivedAt: t.receivedAt.toISOString(),
    createdAt: t.receivedAt.toISOString(),
    actor: 'agent1',
  });

export const ticketUpdated = (t: TicketShape, assignee: string | null, version: number) =>
  createEnvelope(TicketUpdatedV1, t.customerId, {
    ticketId: t.ticketId,
    customerId: t.customerId,
    changedFields: ['assignee'],
    priority: 'normal',
    category: null,
    assignee,
    version,
    updatedAt: new Date().toISOString(),
    actor: 'manager',
  });

export const ticketReplied = (t: TicketShape, at: Date, version: number, first = true) =>
  createEnvelope(TicketRepliedV1, t.customerId, {
    ticketId: t.ticketId,
    customerId: t.customerId,
    at: at.toISOString(),
    actor: t.assignee ?? 'agent1',
    first,
    version,
  });

export const ticketTransitioned = (
  t: TicketShape,
  from: TicketStatus,
  to: TicketStatus,
  at: Date,
  version: number,
  actor = t.assignee ?? 'agent1',
) =>
  createEnvelope(TicketTransitionedV1, t.customerId, {
    ticketId: t.ticketId,
    customerId: t.customerId,
    from,
    to,
    at: at.toISOString(),
    actor,
    version,
    reopenedCount: 0,
  });

export const slaBreached = (t: TicketShape, target: 'first-response' | 'resolution', due: Date) =>
  createEnvelope(SlaBreachedV1, t.customerId, {
    ticketId: t.ticketId,
    customerId: t.customerId,
    target,
    due: due.toISOString(),
    priority: 'normal',
    queue: 'general',
    assignee: t.assignee,
    firedAt: due.toISOString(),
  });

export const csatSubmitted = (t: TicketShape, rating: number, submittedAt: Date = new Date(), resolution = 1) =>
  createEnvelope(CsatSubmittedV1, t.customerId, {
    ticketId: t.ticketId,
    customerId: t.customerId,
    resolution,
    rating,
    reopened: rating <= 2,
    submittedAt: submittedAt.toISOString(),
  });

export const surveyResponded = (
  customerId: string,
  scores: Array<{ type: 'nps' | 'csat' | 'rating'; value: number }>,
  respondedAt: Date = new Date(),
) =>
  createEnvelope(SurveyRespondedV1, customerId, {
    surveyId: randomUUID(),
    invitationId: randomUUID(),
    customerId,
    ticketId: null,
    scores: scores.map((s, i) => ({ questionId: `q${i + 1}`, ...s })),
    respondedAt: respondedAt.toISOString(),
  });

export const pointsEarned = (customerId: string, points: number, balance: number, occurredAt: Date = new Date()) =>
  createEnvelope(PointsEarnedV1, customerId, {
    customerId,
    movementId: randomUUID(),
    points,
    reason: 'purchase',
    balance,
    occurredAt: occurredAt.toISOString(),
  });

export const pointsRedeemed = (customerId: string, points: number, balance: number, occurredAt: Date = new Date()) =>
  createEnvelope(PointsRedeemedV1, customerId, {
    customerId,
    movementId: randomUUID(),
    points,
    redemptionId: randomUUID(),
    balance,
    occurredAt: occurredAt.toISOString(),
  });

export const ownershipChanged = (
  customerId: string,
  ownerId: string | null,
  team: string | null,
  changedAt: Date = new Date(),
) =>
  createEnvelope(OwnershipChangedV1, customerId, {
    customerId,
    change: ownerId ? 'assigned' : 'released',
    ownerId,
    team,
    previousOwnerId: null,
    changedAt: changedAt.toISOString(),
  });

type Stage = 'prospect' | 'new' | 'active' | 'loyal' | 'at_risk' | 'churned' | 'won_back';
export const lifecycleChanged = (customerId: string, from: Stage | null, to: Stage, changedAt: Date = new Date()) =>
  createEnvelope(LifecycleChangedV1, customerId, {
    customerId,
    from,
    to,
    reason: 'test',
    changedAt: changedAt.toISOString(),
  });

/** Publishes events on their service's stream, as its outbox relay does. */
export async function publishOn(
  producer: RecordProducer,
  topic: 'interactions' | 'tickets' | 'loyalty' | 'customers',
  ...events: EventEnvelope[]
): Promise<void> {
  await producer.send(events.map((event) => ({ topic: Topics[topic].name, ...toBinaryMode(event) })));
}
