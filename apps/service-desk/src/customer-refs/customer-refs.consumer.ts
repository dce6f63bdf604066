import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CustomerCreatedV1, CustomerScoredV1, TierChangedV1 } from '@rapport/contracts';
import { OnEvent, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import { MergedCustomers } from '@rapport/platform-subject-rights';
import { CustomerRefsRepository } from './customer-refs.repository';
import { CustomerRefsService } from './customer-refs.service';

/** Merges and erasures reach this feature through its subject-rights participant, not here. */
@Controller()
export class CustomerRefsConsumer {
  constructor(
    private readonly repository: CustomerRefsRepository,
    private readonly mergedCustomers: MergedCustomers,
    private readonly service: CustomerRefsService,
  ) {}

  /**
   * Runs in the inbox transaction: a redelivered event is dropped before it gets here. customer.merged
   * is keyed by the survivor, so it can overtake the merged customer's own customer.created (another
   * partition): an id already merged away is not brought back.
   */
  @OnEvent(CustomerCreatedV1)
  async customerCreated(@Payload() event: ConsumedEvent<typeof CustomerCreatedV1>, @Ctx() ctx: EventContext) {
    if (await this.mergedCustomers.isMergedAway(ctx.manager, event.data.customerId)) return;
    await this.repository.add(ctx.manager, event.data);
  }

  /** analytics' scores: the value tier (tier A makes a VIP). */
  @OnEvent(CustomerScoredV1)
  async customerScored(@Payload() event: ConsumedEvent<typeof CustomerScoredV1>, @Ctx() ctx: EventContext) {
    const { customerId, valueTier, scoredAt } = event.data;
    await this.service.applyValueTier(ctx.manager, { customerId, valueTier, at: scoredAt });
  }

  /** loyalty's tier changes (its top tier makes a VIP). */
  @OnEvent(TierChangedV1)
  async tierChanged(@Payload() event: ConsumedEvent<typeof TierChangedV1>, @Ctx() ctx: EventContext) {
    const { customerId, to, occurredAt } = event.data;
    await this.service.applyLoyaltyTier(ctx.manager, { customerId, tier: to, at: occurredAt });
  }
}
