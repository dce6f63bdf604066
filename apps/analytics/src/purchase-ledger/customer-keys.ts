import { Injectable } from '@nestjs/common';
import { MergedCustomers } from '@rapport/platform-subject-rights';
import type { EntityManager } from 'typeorm';
import { ErasedCustomersRepository } from './erased-customers.repository';

/**
 * The customer id a purchase or an activity fact is kept under. customer.merged and customer.erased
 * travel on the customers topic, the facts on their own topics, so a fact can be applied after its
 * customer was merged away (customer.merged is keyed by the survivor) or erased: always so when a
 * rebuild replays the topics side by side. An id merged away gives its survivor; an erased one gives
 * null (the fact is kept without the customer, as the erasure left the others).
 *
 * It takes the per-customer locks a merge and an erasure take, held to the end of the transaction: a
 * fact applied at the same time as either on another partition waits for it and then sees it (read
 * committed reads what committed before each statement), instead of landing under the old id.
 */
@Injectable()
export class CustomerKeys {
  constructor(
    private readonly mergedCustomers: MergedCustomers,
    private readonly erased: ErasedCustomersRepository,
  ) {}

  async keyOf(manager: EntityManager, customerId: string): Promise<string | null> {
    const survivor = await this.mergedCustomers.survivorOf(manager, customerId);
    return (await this.erased.has(manager, survivor)) ? null : survivor;
  }
}
