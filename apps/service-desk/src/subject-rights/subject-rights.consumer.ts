import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CustomerErasedV1, CustomerMergedV1 } from '@rapport/contracts';
import { OnEvent, type ConsumedEvent, EventContext } from '@rapport/platform-messaging';
import { MergedCustomersRepository } from './merged-customers.repository';
import { SUBJECT_RIGHTS_PARTICIPANT, type SubjectRightsParticipant } from './subject-rights.port';

/** Runs inside the inbox transaction: the effects and the inbox mark commit together. */
@Controller()
export class SubjectRightsConsumer {
  constructor(
    @Inject(SUBJECT_RIGHTS_PARTICIPANT) private readonly participant: SubjectRightsParticipant,
    private readonly mergedCustomers: MergedCustomersRepository,
  ) {}

  @OnEvent(CustomerMergedV1)
  async customerMerged(@Payload() event: ConsumedEvent<typeof CustomerMergedV1>, @Ctx() ctx: EventContext) {
    await this.mergedCustomers.record(ctx.manager, event.data);
    await this.participant.merge(event.data.mergedId, event.data.survivorId, ctx.manager);
  }

  @OnEvent(CustomerErasedV1)
  async customerErased(@Payload() event: ConsumedEvent<typeof CustomerErasedV1>, @Ctx() ctx: EventContext) {
    await this.participant.erase(event.data.customerId, ctx.manager);
    await this.mergedCustomers.forget(ctx.manager, event.data.customerId);
  }
}
