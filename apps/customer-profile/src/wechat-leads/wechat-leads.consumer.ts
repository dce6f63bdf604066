import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { WechatFollowerUnmatchedV1 } from '@rapport/contracts';
import { OnEvent, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import type { Logger } from '@rapport/platform-observability';
import { LOGGER } from '@rapport/platform-runtime';
import { CustomersService } from '../customers/customers.service';

/**
 * interaction's wechat-follower.unmatched: someone no customer is known by wrote to the Official Account.
 * A lead goes to the public pool; its customer.created carries the openid, so interaction logs the
 * message it held. Runs in the inbox transaction (a redelivery is dropped before it gets here).
 */
@Controller()
export class WechatLeadsConsumer {
  constructor(
    private readonly customers: CustomersService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnEvent(WechatFollowerUnmatchedV1)
  async followerUnmatched(
    @Payload() event: ConsumedEvent<typeof WechatFollowerUnmatchedV1>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const customerId = await this.customers.createWechatLead(ctx.manager, event.data.openid);
    if (customerId) this.logger.info({ customerId }, 'WeChat lead created in the public pool');
    else this.logger.debug('WeChat follower already a customer; no lead created');
  }
}
