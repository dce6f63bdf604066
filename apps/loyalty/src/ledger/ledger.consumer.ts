import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CustomerCreatedV1, CustomerErasedV1, PurchaseRecordedV1, PurchaseRefundedV1 } from '@rapport/contracts';
import { OnEvent, OnEventBatch, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import { LedgerService } from './ledger.service';

/** Runs inside the inbox transaction: write through ctx.manager only. */
@Controller()
export class LedgerConsumer {
  constructor(private readonly ledger: LedgerService) {}

  @OnEvent(CustomerCreatedV1)
  async customerCreated(@Payload() event: ConsumedEvent<typeof CustomerCreatedV1>, @Ctx() ctx: EventContext) {
    await this.ledger.openAccount(ctx.manager, event.data);
  }

  /** Purchases come in runs (set-based earning); a redelivered or retried one comes alone. */
  @OnEventBatch(PurchaseRecordedV1)
  async purchasesRecorded(@Payload() events: Array<ConsumedEvent<typeof PurchaseRecordedV1>>, @Ctx() ctx: EventContext) {
    await this.ledger.earn(ctx.manager, events.map((e) => e.data));
  }

  @OnEvent(PurchaseRefundedV1)
  async purchaseRefunded(@Payload() event: ConsumedEvent<typeof PurchaseRefundedV1>, @Ctx() ctx: EventContext) {
    await this.ledger.reverse(ctx.manager, event.data);
  }

  @OnEvent(CustomerErasedV1)
  async customerErased(@Payload() event: ConsumedEvent<typeof CustomerErasedV1>, @Ctx() ctx: EventContext) {
    await this.ledger.erase(ctx.manager, event.data.customerId);
  }
}
