import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CustomerCreatedV1, CustomerErasedV1, CustomerMergedV1, CustomerUpdatedV1, PurchaseRecordedV1, PurchaseRefundedV1 } from '@rapport/contracts';
import { OnEvent, OnEventBatch, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';

/** Runs inside the inbox transaction: write through ctx.manager only. */
@Controller()
export class LedgerConsumer {
  constructor(
    private readonly ledger: LedgerService,
    private readonly fingerprints: LedgerRepository,
  ) {}

  @OnEvent(CustomerCreatedV1)
  async customerCreated(@Payload() event: ConsumedEvent<typeof CustomerCreatedV1>, @Ctx() ctx: EventContext) {
    await this.ledger.openAccount(ctx.manager, event.data);
    if (event.data.contactFingerprints) await this.fingerprints.replaceFingerprints(ctx.manager, event.data.customerId, event.data.contactFingerprints);
  }

  /**
   * Contact fingerprints (keyed hashes, see the README) for the referral rules: the full current set
   * replaces the held one; an update without the field left the contacts as they were.
   */
  @OnEvent(CustomerUpdatedV1)
  async customerUpdated(@Payload() event: ConsumedEvent<typeof CustomerUpdatedV1>, @Ctx() ctx: EventContext) {
    if (event.data.contactFingerprints) await this.fingerprints.replaceFingerprints(ctx.manager, event.data.customerId, event.data.contactFingerprints);
  }

  /** The merged-away customer's contacts went to the survivor, whose new set comes with its own customer.updated. */
  @OnEvent(CustomerMergedV1)
  async customerMerged(@Payload() event: ConsumedEvent<typeof CustomerMergedV1>, @Ctx() ctx: EventContext) {
    await this.fingerprints.dropFingerprints(ctx.manager, event.data.mergedId);
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
    await this.fingerprints.dropFingerprints(ctx.manager, event.data.customerId);
  }
}
