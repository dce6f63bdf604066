import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CustomerCreatedV1, CustomerUpdatedV1, OwnershipChangedV1 } from '@rapport/contracts';
import { OnEvent, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import { MergedCustomers } from '@rapport/platform-subject-rights';
import { CustomerRefsRepository } from './customer-refs.repository';

/** Merges and erasures reach this feature through its subject-rights participant, not here. */
@Controller()
export class CustomerRefsConsumer {
  constructor(
    private readonly repository: CustomerRefsRepository,
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

  /**
   * The customer's WeChat openid (its digest) changed (absent: the identifiers did not change). Messages held for that
   * openid are logged against the customer by the WeChat channel's scheduler.
   */
  @OnEvent(CustomerUpdatedV1)
  async customerUpdated(@Payload() event: ConsumedEvent<typeof CustomerUpdatedV1>, @Ctx() ctx: EventContext) {
    if (event.data.wechatOpenidDigest === undefined) return;
    await this.repository.setWechatOpenidDigest(ctx.manager, event.data.customerId, event.data.wechatOpenidDigest);
  }

  /** The owner works the cadences a lifecycle move starts for the customer. */
  @OnEvent(OwnershipChangedV1)
  async ownershipChanged(@Payload() event: ConsumedEvent<typeof OwnershipChangedV1>, @Ctx() ctx: EventContext) {
    await this.repository.setOwner(ctx.manager, event.data.customerId, event.data.ownerId, event.data.team);
  }
}
