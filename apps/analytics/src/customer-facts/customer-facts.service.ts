import { Injectable } from '@nestjs/common';
import { CustomerFactsErrorCode, CustomerFactsException } from './customer-facts.exception';
import { CustomerFactsRepository, type CustomerFact } from './customer-facts.repository';

@Injectable()
export class CustomerFactsService {
  constructor(private readonly repository: CustomerFactsRepository) {}

  async get(customerId: string): Promise<CustomerFact> {
    const found = await this.repository.find(customerId);
    if (!found)
      throw new CustomerFactsException(
        CustomerFactsErrorCode.CustomerUnknown,
        `Analytics has no data on customer ${customerId}`,
      );
    return found;
  }

  /** Customers known now: a merged-away or erased customer no longer counts. */
  async count(): Promise<number> {
    return this.repository.count();
  }
}
