import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CustomerScoredV1 } from '@rapport/contracts';
import { OnEvent, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import { ScoresService } from './scores.service';

/** Runs inside the inbox transaction: write through ctx.manager only. */
@Controller()
export class ScoresConsumer {
  constructor(private readonly scores: ScoresService) {}

  @OnEvent(CustomerScoredV1)
  async customerScored(
    @Payload() event: ConsumedEvent<typeof CustomerScoredV1>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { customerId, valueTier, churnRisk, scoredAt } = event.data;
    await this.scores.apply(ctx.manager, { customerId, valueTier, churnRisk, scoredAt });
  }
}
