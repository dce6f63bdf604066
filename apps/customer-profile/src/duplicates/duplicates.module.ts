import { Module, type OnModuleInit } from '@nestjs/common';
import { CustomerDataRegistry } from '../customers/customer-data.registry';
import { CustomersModule } from '../customers/customers.module';
import { DuplicatesController } from './duplicates.controller';
import { DuplicatesRepository } from './duplicates.repository';

@Module({ imports: [CustomersModule], controllers: [DuplicatesController] })
export class DuplicatesModule implements OnModuleInit {
  constructor(
    private readonly registry: CustomerDataRegistry,
    private readonly duplicates: DuplicatesRepository,
  ) {}

  /** Duplicate pairs name the customer: part of a subject access export, gone on erasure. */
  onModuleInit(): void {
    this.registry.register({
      name: 'duplicateCandidates',
      export: async (manager, customerId) =>
        (await this.duplicates.forCustomer(manager, customerId)).map((r) => ({ ...r, detectedAt: r.detectedAt.toISOString() })),
      erase: (manager, customerId) => this.duplicates.forget(manager, customerId),
      // pairs of a merged customer are settled: the merge was the review's answer
      merge: (manager, mergedId) => this.duplicates.forget(manager, mergedId),
    });
  }
}
