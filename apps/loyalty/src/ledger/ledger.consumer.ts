import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CustomerCreatedV1, CustomerUpdatedV1, PurchaseRecordedV1, PurchaseRefundedV1 } from '@rapport/contracts';
import { OnEvent, OnEventBatch, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import { ReferralsService } from '../referrals/referrals.service';
import { LedgerService } from './ledger.service';

/**
 * Runs inside the inbox transaction: write through ctx.manager only. customer.merged and
 * customer.erased come through the subject-rights library (subject-rights/loyalty.participant.ts).
 */
@Controller()
export class LedgerConsumer {
  constructor(
    private readonly ledger: LedgerService,
    private readonly referrals: ReferralsService,
  ) {}

  @OnEvent(CustomerCreatedV1)
  async customerCreated(@Payload() event: ConsumedEvent<typeof CustomerCreatedV1>, @Ctx() ctx: EventContext) {
    // A merged-away customer's late customer.created opens nothing: its tombstone names the survivor.
    if (!(await this.ledger.openAccount(ctx.manager, event.data))) return;
    if (event.data.contactFingerprints)
      await this.referrals.replaceContacts(ctx.manager, event.data.customerId, event.data.contactFingerprints);
  }

  /**
   * Contact fingerprints (keyed hashes, see the README) for the referral rules: the full current set
   * replaces the held one; an update without the field left the contacts as they were.
   */
  @OnEvent(CustomerUpdatedV1)
  async customerUpdated(@Payload() event: ConsumedEvent<typeof CustomerUpdatedV1>, @Ctx() ctx: EventContext) {
    if (!event.data.contactFingerprints) return;
    // A late update of a merged-away customer: its contacts are the survivor's now.
    if (await this.ledger.isMergedAway(ctx.manager, event.data.customerId)) return;
    await this.referrals.replaceContacts(ctx.manager, event.data.customerId, event.data.contactFingerprints);
  }

  /** Purchases come in runs (set-based earning); a redelivered or retried one comes alone. */
  @OnEventBatch(PurchaseRecordedV1)
  async purchasesRecorded(
    @Payload() events: Array<ConsumedEvent<typeof PurchaseRecordedV1>>,
    @Ctx() ctx: EventContext,
  ) {
    await this.ledger.earn(
      ctx.manager,
      events.map((e) => e.data),
    );
  }

  @OnEvent(PurchaseRefundedV1)
  async purchaseRefunded(@Payload() event: ConsumedEvent<typeof PurchaseRefundedV1>, @Ctx() ctx: EventContext) {
    await this.ledger.reverse(ctx.manager, event.data);
  }
}
