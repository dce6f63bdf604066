import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CustomerCreatedV1 } from '@rapport/contracts';
import { OnEvent, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import { CustomerRefsRepository } from './customer-refs.repository';

@Controller()
export class CustomerRefsConsumer {
  constructor(private readonly repository: CustomerRefsRepository) {}

  @OnEvent(CustomerCreatedV1)
  async customerCreated(@Payload() event: ConsumedEvent<typeof CustomerCreatedV1>, @Ctx() ctx: EventContext) {
    await this.repository.add(ctx.manager, event.data);
  }
}
