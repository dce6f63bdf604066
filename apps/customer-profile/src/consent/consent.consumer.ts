import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CampaignConsentWithdrawnV1 } from '@rapport/contracts';
import { OnEvent, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import type { Logger } from '@rapport/platform-observability';
import { LOGGER } from '@rapport/platform-runtime';
import { ConsentService } from './consent.service';

/**
 * interaction's consent.withdrawn (a one-click unsubscribe, an SMS reply T/TD): the customer's consent
 * record here agrees. Runs inside the inbox transaction: a redelivered event is dropped before it gets
 * here; write through ctx.manager only.
 */
@Controller()
export class ConsentConsumer {
  constructor(
    private readonly consent: ConsentService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnEvent(CampaignConsentWithdrawnV1)
  async withdrawn(@Payload() event: ConsumedEvent<typeof CampaignConsentWithdrawnV1>, @Ctx() ctx: EventContext) {
    const { customerId, channel, purpose, via, withdrawnAt } = event.data;
    const known = await this.consent.recordWithdrawal(ctx.manager, {
      customerId,
      channel,
      purpose,
      source: via,
      at: new Date(withdrawnAt),
    });
    if (!known) this.logger.debug({ customerId }, 'withdrawal of an unknown or erased customer ignored');
  }
}
