import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  CustomerErasedV1,
  CustomerMergedV1,
  ErasureAcknowledgedV1,
  type AcknowledgingService,
} from '@rapport/contracts';
import { EventContext, OnEvent, OutboxWriter, type ConsumedEvent } from '@rapport/platform-messaging';
import { SERVICE_DEFINITION, type ServiceDefinition } from '@rapport/platform-runtime';
import { MergedCustomers } from './merged-customers';
import { SUBJECT_RIGHTS_PARTICIPANT, type ErasingParticipant } from './participant';

/**
 * customer.merged and customer.erased for a participant that erases and merges. Each handler runs in
 * the inbox transaction of its event (KafkaEventsServer), so the participant's changes, the merge
 * records, the acknowledgement in the outbox and the inbox mark commit together, and a redelivery
 * has no second effect.
 */
@Controller()
export class SubjectRightsConsumer {
  constructor(
    @Inject(SUBJECT_RIGHTS_PARTICIPANT) private readonly participant: ErasingParticipant,
    @Inject(SERVICE_DEFINITION) private readonly definition: ServiceDefinition,
    private readonly mergedCustomers: MergedCustomers,
    private readonly outbox: OutboxWriter,
  ) {}

  @OnEvent(CustomerMergedV1)
  async customerMerged(
    @Payload() event: ConsumedEvent<typeof CustomerMergedV1>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.mergedCustomers.record(ctx.manager, event.data);
    await this.participant.merge(ctx.manager, event.data.mergedId, event.data.survivorId);
  }

  @OnEvent(CustomerErasedV1)
  async customerErased(
    @Payload() event: ConsumedEvent<typeof CustomerErasedV1>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { customerId, erasureId } = event.data;
    const outcome = await this.participant.erase(ctx.manager, customerId);
    const formerIds = await this.mergedCustomers.forget(ctx.manager, customerId);
    await this.outbox.add(
      ctx.manager,
      ErasureAcknowledgedV1[this.definition.name as AcknowledgingService],
      customerId,
      {
        customerId,
        ...(erasureId ? { erasureId } : {}),
        removed: { ...outcome.removed, mergedCustomerIds: formerIds },
        kept: outcome.kept,
        acknowledgedAt: new Date().toISOString(),
      },
    );
  }
}
