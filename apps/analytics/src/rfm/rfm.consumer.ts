import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { PurchaseRecordedV1, PurchaseRefundedV1 } from '@rapport/contracts';
import { OnEvent, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import { RfmService } from './rfm.service';

/**
 * customer-profile's purchases and refunds, in the base currency. Runs in the inbox transaction: a
 * redelivered event is dropped before it gets here, so a purchase is counted once.
 */
@Controller()
export class RfmConsumer {
  constructor(private readonly rfm: RfmService) {}

  @OnEvent(PurchaseRecordedV1)
  async purchaseRecorded(@Payload() event: ConsumedEvent<typeof PurchaseRecordedV1>, @Ctx() ctx: EventContext) {
    const { customerId, occurredAt, totalBase } = event.data;
    await this.rfm.purchaseRecorded(ctx.manager, { customerId, occurredAt, totalBase }, new Date());
  }

  @OnEvent(PurchaseRefundedV1)
  async purchaseRefunded(@Payload() event: ConsumedEvent<typeof PurchaseRefundedV1>, @Ctx() ctx: EventContext) {
    const { customerId, amountBase } = event.data;
    await this.rfm.purchaseRefunded(ctx.manager, { customerId, amountBase }, new Date());
  }
}
