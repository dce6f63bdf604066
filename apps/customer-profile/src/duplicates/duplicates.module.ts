import { Module, type OnModuleInit } from '@nestjs/common';
import { CustomerDataRegistry } from '../customers/customer-data.registry';
import { CustomersModule } from '../customers/customers.module';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { OwnershipModule } from '../ownership/ownership.module';
import { CustomerMerger } from './customer-merger';
import { DuplicatesController } from './duplicates.controller';
import { MergeRepository } from './merge.repository';
import { DuplicatesRepository } from './duplicates.repository';
import { DuplicatesService } from './duplicates.service';

@Module({
  imports: [CustomersModule, LifecycleModule, OwnershipModule],
  controllers: [DuplicatesController],
  providers: [MergeRepository, CustomerMerger, DuplicatesService],
})
export class DuplicatesModule implements OnModuleInit {
  constructor(
    private readonly registry: CustomerDataRegistry,
    private readonly duplicates: DuplicatesRepository,
    private readonly merger: CustomerMerger,
  ) {}

  /**
   * Duplicate pairs name the customer: part of a subject access export, gone on erasure. The merge
   * hook of this section also moves what the merge feature owns (see CustomerMerger).
   */
  onModuleInit(): void {
    this.registry.register({
      name: 'duplicateCandidates',
      export: async (manager, customerId) =>
        (await this.duplicates.forCustomer(manager, customerId)).map((r) => ({
          ...r,
          detectedAt: r.detectedAt.toISOString(),
        })),
      erase: (manager, customerId) => this.duplicates.forget(manager, customerId),
      // purchases, totals, ownership and lifecycle history move too (CustomerMerger), and the pairs go
      merge: (manager, mergedId, survivorId) => this.merger.merge(manager, mergedId, survivorId),
    });
  }
}
