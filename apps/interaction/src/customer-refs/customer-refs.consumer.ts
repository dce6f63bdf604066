import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CustomerCreatedV1 } from '@rapport/contracts';
import { OnEvent, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import { CustomerRefsRepository } from './customer-refs.repository';

/** Merges and erasures reach this feature through its subject-rights class, not here. */
@Controller()
export class CustomerRefsConsumer {
  constructor(private readonly repository: CustomerRefsRepository) {}

  /** Runs in the inbox transaction: a redelivered event is dropped before it gets here. */
  @OnEvent(CustomerCreatedV1)
  async customerCreated(@Payload() event: ConsumedEvent<typeof CustomerCreatedV1>, @Ctx() ctx: EventContext) {
    await this.repository.add(ctx.manager, event.data);
  }
}
