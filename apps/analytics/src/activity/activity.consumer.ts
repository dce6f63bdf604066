import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  CsatSubmittedV1,
  FollowUpCompletedV1,
  FollowUpCreatedV1,
  FollowUpDueV1,
  FollowUpOverdueV1,
  FollowUpSnoozedV1,
  InteractionLoggedV1,
  PointsEarnedV1,
  PointsExpiredV1,
  PointsRedeemedV1,
  PointsReversedV1,
  SlaBreachedV1,
  SlaWarningV1,
  SurveyRespondedV1,
  TicketCreatedV1,
  TicketEscalatedV1,
  TicketRepliedV1,
  TicketTransitionedV1,
  TicketUpdatedV1,
} from '@rapport/contracts';
import { OnEvent, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import { CustomerKeys } from '../purchase-ledger/customer-keys';
import { ActivityService, type Keyed } from './activity.service';

/**
 * interaction's contacts, follow-ups and survey answers, service-desk's tickets, SLA outcomes and
 * ratings, and loyalty's points movements. Each handler runs in the inbox transaction: a redelivered
 * event is dropped before it gets here, so every fact counts once.
 */
@Controller()
export class ActivityConsumer {
  constructor(
    private readonly activity: ActivityService,
    private readonly keys: CustomerKeys,
  ) {}

  /** The event's data under the id its facts are kept under (CustomerKeys: the survivor, or null once erased). */
  private async keyed<T extends { customerId: string }>(ctx: EventContext, data: T): Promise<Keyed<T>> {
    return { ...data, customerId: await this.keys.keyOf(ctx.manager, data.customerId) };
  }

  @OnEvent(InteractionLoggedV1)
  async interactionLogged(@Payload() event: ConsumedEvent<typeof InteractionLoggedV1>, @Ctx() ctx: EventContext) {
    await this.activity.interactionLogged(ctx.manager, await this.keyed(ctx, event.data));
  }

  @OnEvent(FollowUpCreatedV1)
  async followUpCreated(@Payload() event: ConsumedEvent<typeof FollowUpCreatedV1>, @Ctx() ctx: EventContext) {
    await this.activity.followUp(ctx.manager, await this.keyed(ctx, event.data), { createdAt: event.data.createdAt });
  }

  /** The reminder changes nothing counted, but carries the follow-up whole (its due time may be new). */
  @OnEvent(FollowUpDueV1)
  async followUpDue(@Payload() event: ConsumedEvent<typeof FollowUpDueV1>, @Ctx() ctx: EventContext) {
    await this.activity.followUp(ctx.manager, await this.keyed(ctx, event.data), {});
  }

  @OnEvent(FollowUpOverdueV1)
  async followUpOverdue(@Payload() event: ConsumedEvent<typeof FollowUpOverdueV1>, @Ctx() ctx: EventContext) {
    await this.activity.followUp(ctx.manager, await this.keyed(ctx, event.data), { overdueAt: event.data.firedAt });
  }

  @OnEvent(FollowUpSnoozedV1)
  async followUpSnoozed(@Payload() event: ConsumedEvent<typeof FollowUpSnoozedV1>, @Ctx() ctx: EventContext) {
    await this.activity.followUp(ctx.manager, await this.keyed(ctx, event.data), { snoozed: true });
  }

  @OnEvent(FollowUpCompletedV1)
  async followUpCompleted(@Payload() event: ConsumedEvent<typeof FollowUpCompletedV1>, @Ctx() ctx: EventContext) {
    await this.activity.followUp(ctx.manager, await this.keyed(ctx, event.data), {
      completedAt: event.data.completedAt,
    });
  }

  @OnEvent(SurveyRespondedV1)
  async surveyResponded(@Payload() event: ConsumedEvent<typeof SurveyRespondedV1>, @Ctx() ctx: EventContext) {
    await this.activity.surveyResponded(ctx.manager, await this.keyed(ctx, event.data));
  }

  @OnEvent(TicketCreatedV1)
  async ticketCreated(@Payload() event: ConsumedEvent<typeof TicketCreatedV1>, @Ctx() ctx: EventContext) {
    await this.activity.ticketCreated(ctx.manager, await this.keyed(ctx, event.data));
  }

  @OnEvent(TicketUpdatedV1)
  async ticketUpdated(@Payload() event: ConsumedEvent<typeof TicketUpdatedV1>, @Ctx() ctx: EventContext) {
    await this.activity.ticketUpdated(ctx.manager, event.data);
  }

  @OnEvent(TicketEscalatedV1)
  async ticketEscalated(@Payload() event: ConsumedEvent<typeof TicketEscalatedV1>, @Ctx() ctx: EventContext) {
    await this.activity.ticketUpdated(ctx.manager, event.data);
  }

  @OnEvent(TicketTransitionedV1)
  async ticketTransitioned(@Payload() event: ConsumedEvent<typeof TicketTransitionedV1>, @Ctx() ctx: EventContext) {
    await this.activity.ticketTransitioned(ctx.manager, await this.keyed(ctx, event.data));
  }

  @OnEvent(TicketRepliedV1)
  async ticketReplied(@Payload() event: ConsumedEvent<typeof TicketRepliedV1>, @Ctx() ctx: EventContext) {
    await this.activity.ticketReplied(ctx.manager, await this.keyed(ctx, event.data));
  }

  @OnEvent(SlaWarningV1)
  async slaWarning(@Payload() event: ConsumedEvent<typeof SlaWarningV1>, @Ctx() ctx: EventContext) {
    await this.activity.slaDue(ctx.manager, event.data, false);
  }

  @OnEvent(SlaBreachedV1)
  async slaBreached(@Payload() event: ConsumedEvent<typeof SlaBreachedV1>, @Ctx() ctx: EventContext) {
    await this.activity.slaDue(ctx.manager, event.data, true);
  }

  @OnEvent(CsatSubmittedV1)
  async csatSubmitted(@Payload() event: ConsumedEvent<typeof CsatSubmittedV1>, @Ctx() ctx: EventContext) {
    await this.activity.csatSubmitted(ctx.manager, await this.keyed(ctx, event.data));
  }

  @OnEvent(PointsEarnedV1)
  async pointsEarned(@Payload() event: ConsumedEvent<typeof PointsEarnedV1>, @Ctx() ctx: EventContext) {
    await this.activity.points(ctx.manager, 'earned', await this.keyed(ctx, event.data));
  }

  @OnEvent(PointsRedeemedV1)
  async pointsRedeemed(@Payload() event: ConsumedEvent<typeof PointsRedeemedV1>, @Ctx() ctx: EventContext) {
    await this.activity.points(ctx.manager, 'redeemed', await this.keyed(ctx, event.data));
  }

  @OnEvent(PointsExpiredV1)
  async pointsExpired(@Payload() event: ConsumedEvent<typeof PointsExpiredV1>, @Ctx() ctx: EventContext) {
    await this.activity.points(ctx.manager, 'expired', await this.keyed(ctx, event.data));
  }

  @OnEvent(PointsReversedV1)
  async pointsReversed(@Payload() event: ConsumedEvent<typeof PointsReversedV1>, @Ctx() ctx: EventContext) {
    await this.activity.points(ctx.manager, 'reversed', await this.keyed(ctx, event.data));
  }
}
