import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { ErasureAcknowledgedV1 } from '@rapport/contracts';
import { OnEvent, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import { ErasuresService } from './erasures.service';

type Acknowledged = ConsumedEvent<(typeof ErasureAcknowledgedV1)['loyalty']>;

/**
 * The other services' acknowledgements of erasures, each on its own stream. Runs inside the inbox
 * transaction (a redelivery never gets here twice); a second acknowledgement of the same request by
 * the same service is recorded once. customer-profile acknowledges its own part in the erasure's
 * transaction, so it does not consume its own event.
 */
@Controller()
export class ErasuresConsumer {
  constructor(private readonly erasures: ErasuresService) {}

  @OnEvent(ErasureAcknowledgedV1.loyalty)
  async loyalty(@Payload() event: Acknowledged, @Ctx() ctx: EventContext): Promise<void> {
    await this.erasures.record(ctx.manager, 'loyalty', event.data);
  }

  @OnEvent(ErasureAcknowledgedV1.interaction)
  async interaction(@Payload() event: Acknowledged, @Ctx() ctx: EventContext): Promise<void> {
    await this.erasures.record(ctx.manager, 'interaction', event.data);
  }

  @OnEvent(ErasureAcknowledgedV1['service-desk'])
  async serviceDesk(@Payload() event: Acknowledged, @Ctx() ctx: EventContext): Promise<void> {
    await this.erasures.record(ctx.manager, 'service-desk', event.data);
  }

  @OnEvent(ErasureAcknowledgedV1.analytics)
  async analytics(@Payload() event: Acknowledged, @Ctx() ctx: EventContext): Promise<void> {
    await this.erasures.record(ctx.manager, 'analytics', event.data);
  }
}
