import { Injectable } from '@nestjs/common';
import { CustomerRefsErrorCode, CustomerRefsException } from './customer-refs.exception';
import { CustomerRefsRepository, type CustomerRef } from './customer-refs.repository';

@Injectable()
export class CustomerRefsService {
  constructor(private readonly repository: CustomerRefsRepository) {}

  async get(customerId: string): Promise<CustomerRef> {
    const found = await this.repository.find(customerId);
    if (!found)
      throw new CustomerRefsException(
        CustomerRefsErrorCode.CustomerUnknown,
        `Customer ${customerId} is not known to service-desk`,
      );
    return found;
  }
}
