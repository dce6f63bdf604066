import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { ConsentChangedV1, InteractionLoggedV1, LifecycleChangedV1, PurchaseRecordedV1 } from '@rapport/contracts';
import { OnEvent, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import type { Logger } from '@rapport/platform-observability';
import { LOGGER } from '@rapport/platform-runtime';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { CadencesService } from './cadences.service';

/**
 * What starts a cadence besides a caller (a customer's lifecycle move), and the stop conditions, from the events that say them: an inbound contact (the customer
 * replied; interaction's own stream), a purchase, a withdrawn marketing consent. Runs inside the inbox
 * transaction: a redelivered event is dropped before it gets here.
 */
@Controller()
export class CadencesConsumer {
  constructor(
    private readonly cadences: CadencesService,
    private readonly campaigns: CampaignsRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnEvent(InteractionLoggedV1)
  async interactionLogged(@Payload() event: ConsumedEvent<typeof InteractionLoggedV1>, @Ctx() ctx: EventContext) {
    if (event.data.direction !== 'inbound') return;
    await this.cadences.stop(ctx.manager, event.data.customerId, 'replied', new Date(), this.logger);
  }

  @OnEvent(PurchaseRecordedV1)
  async purchaseRecorded(@Payload() event: ConsumedEvent<typeof PurchaseRecordedV1>, @Ctx() ctx: EventContext) {
    await this.cadences.stop(ctx.manager, event.data.customerId, 'purchased', new Date(), this.logger);
  }

  /**
   * Also keeps campaigns' copy of consent (newest change wins), which the campaign sender checks per
   * message: the events server calls one handler per event type, so both features' work is here.
   */
  @OnEvent(ConsentChangedV1)
  async consentChanged(@Payload() event: ConsumedEvent<typeof ConsentChangedV1>, @Ctx() ctx: EventContext) {
    await this.campaigns.recordConsent(ctx.manager, event.data);
    if (event.data.granted || event.data.purpose !== 'marketing') return;
    await this.cadences.stop(ctx.manager, event.data.customerId, 'consent-withdrawn', new Date(), this.logger);
  }

  @OnEvent(LifecycleChangedV1)
  async lifecycleChanged(@Payload() event: ConsumedEvent<typeof LifecycleChangedV1>, @Ctx() ctx: EventContext) {
    await this.cadences.onLifecycleStage(ctx.manager, event.data.customerId, event.data.to, this.logger);
  }
}
