import { randomUUID } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { PurchaseRecordedV1, PurchaseRefundedV1 } from '@rapport/contracts';
import { OnEvent, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import { CustomerKeys } from '../purchase-ledger/customer-keys';
import { PurchaseLedgerRepository } from '../purchase-ledger/purchase-ledger.repository';
import { RfmService } from './rfm.service';

/**
 * customer-profile's purchases and refunds, in the base currency: into the purchase ledger, then the
 * customer's RFM sums and scores. Runs in the inbox transaction: a redelivered event is dropped before
 * it gets here, so a purchase is counted once. A merged-away id's purchase counts for the survivor.
 */
@Controller()
export class RfmConsumer {
  constructor(
    private readonly rfm: RfmService,
    private readonly ledger: PurchaseLedgerRepository,
    private readonly keys: CustomerKeys,
  ) {}

  @OnEvent(PurchaseRecordedV1)
  async purchaseRecorded(@Payload() event: ConsumedEvent<typeof PurchaseRecordedV1>, @Ctx() ctx: EventContext) {
    const customerId = await this.keys.keyOf(ctx.manager, event.data.customerId);
    // An erased customer's purchase applied after the erasure (a rebuild's replay): kept unlinked.
    if (customerId === null) {
      await this.ledger.record(ctx.manager, randomUUID(), event.data);
      return;
    }
    if (!(await this.ledger.record(ctx.manager, customerId, event.data))) return;
    const { occurredAt, totalBase } = event.data;
    await this.rfm.purchaseRecorded(ctx.manager, { customerId, occurredAt, totalBase }, new Date());
  }

  @OnEvent(PurchaseRefundedV1)
  async purchaseRefunded(@Payload() event: ConsumedEvent<typeof PurchaseRefundedV1>, @Ctx() ctx: EventContext) {
    const customerId = await this.keys.keyOf(ctx.manager, event.data.customerId);
    if (customerId === null) {
      await this.ledger.recordRefund(ctx.manager, randomUUID(), event.data);
      return;
    }
    if (!(await this.ledger.recordRefund(ctx.manager, customerId, event.data))) return;
    await this.rfm.purchaseRefunded(ctx.manager, { customerId, amountBase: event.data.amountBase }, new Date());
  }
}
