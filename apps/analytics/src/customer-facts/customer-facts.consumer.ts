import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CustomerCreatedV1, LifecycleChangedV1, OwnershipChangedV1 } from '@rapport/contracts';
import { OnEvent, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import { MergedCustomers } from '@rapport/platform-subject-rights';
import { CustomerFactsRepository } from './customer-facts.repository';

/**
 * customer-profile's customers: their creation, owner and team, and lifecycle stage. Merges and
 * erasures reach this feature through its subject-rights participant, not here.
 */
@Controller()
export class CustomerFactsConsumer {
  constructor(
    private readonly repository: CustomerFactsRepository,
    private readonly mergedCustomers: MergedCustomers,
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

  /** Same stream and key as customer.created, so it comes after it; a customer analytics never knew is skipped. */
  @OnEvent(OwnershipChangedV1)
  async ownershipChanged(@Payload() event: ConsumedEvent<typeof OwnershipChangedV1>, @Ctx() ctx: EventContext) {
    const { customerId, ownerId, team, changedAt } = event.data;
    await this.repository.ownershipChanged(ctx.manager, { customerId, ownerId, team, changedAt });
  }

  @OnEvent(LifecycleChangedV1)
  async lifecycleChanged(@Payload() event: ConsumedEvent<typeof LifecycleChangedV1>, @Ctx() ctx: EventContext) {
    if (await this.mergedCustomers.isMergedAway(ctx.manager, event.data.customerId)) return;
    const { customerId, from, to, changedAt } = event.data;
    await this.repository.lifecycleChanged(ctx.manager, { customerId, from, to, changedAt });
  }
}
