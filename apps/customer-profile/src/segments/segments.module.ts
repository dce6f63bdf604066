import { Module, type OnModuleInit } from '@nestjs/common';
import { ExportsModule } from '../exports/exports.module';
import { CustomFieldsModule } from '../custom-fields/custom-fields.module';
import { CustomerDataRegistry } from '../customers/customer-data.registry';
import { CustomersModule } from '../customers/customers.module';
import { SegmentsController } from './segments.controller';
import { SegmentsRepository } from './segments.repository';
import { SegmentsService } from './segments.service';

@Module({
  imports: [CustomersModule, CustomFieldsModule, ExportsModule],
  controllers: [SegmentsController],
  providers: [SegmentsService, SegmentsRepository],
})
export class SegmentsModule implements OnModuleInit {
  constructor(
    private readonly registry: CustomerDataRegistry,
    private readonly segments: SegmentsRepository,
  ) {}

  /** Static list memberships name the customer: exported on subject access, gone on erasure, moved on a merge. */
  onModuleInit(): void {
    this.registry.register({
      name: 'segmentMemberships',
      export: async (manager, customerId) =>
        (await this.segments.listsOf(manager, customerId)).map((m) => ({
          ...m,
          addedAt: new Date(m.addedAt).toISOString(),
        })),
      erase: (manager, customerId) => this.segments.dropMemberships(manager, customerId),
      merge: (manager, mergedId, survivorId) => this.segments.moveMemberships(manager, mergedId, survivorId),
    });
  }
}
