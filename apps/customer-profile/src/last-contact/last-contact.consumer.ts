import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { InteractionLoggedV1 } from '@rapport/contracts';
import { OnEvent, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import type { Logger } from '@rapport/platform-observability';
import { LOGGER } from '@rapport/platform-runtime';
import { LastContactRepository } from './last-contact.repository';

/**
 * interaction's interaction.logged: a call, a mail, a visit… is a contact, so the customer's last contact
 * (which public-pool recycling reads) follows it. Runs inside the inbox transaction: a redelivered event
 * is dropped before it gets here; write through ctx.manager only.
 */
@Controller()
export class LastContactConsumer {
  constructor(
    private readonly lastContact: LastContactRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnEvent(InteractionLoggedV1)
  async interactionLogged(
    @Payload() event: ConsumedEvent<typeof InteractionLoggedV1>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { customerId, occurredAt } = event.data;
    if (!(await this.lastContact.touch(ctx.manager, customerId, occurredAt)))
      this.logger.debug({ customerId }, 'interaction of an unknown or erased customer ignored');
  }
}
