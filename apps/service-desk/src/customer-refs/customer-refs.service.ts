import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@rapport/platform-observability';
import { LOGGER } from '@rapport/platform-runtime';
import type { EntityManager } from 'typeorm';
import { SlaService } from '../sla/sla.service';
import { CUSTOMER_REFS_CONFIG, type CustomerRefsConfig } from './customer-refs.config';
import { CustomerRefsErrorCode, CustomerRefsException } from './customer-refs.exception';
import { CustomerRefsRepository, type CustomerRef } from './customer-refs.repository';

@Injectable()
export class CustomerRefsService {
  constructor(
    private readonly repository: CustomerRefsRepository,
    private readonly sla: SlaService,
    @Inject(CUSTOMER_REFS_CONFIG) private readonly config: CustomerRefsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * The customer's tiers as analytics and loyalty publish them (each newer-wins by its own time). A
   * tier of a customer service-desk does not know (yet, or any more: merged away, erased) is dropped:
   * the next score or tier change brings it.
   */
  async applyValueTier(
    manager: EntityManager,
    score: { customerId: string; valueTier: 'A' | 'B' | 'C'; at: string },
  ): Promise<void> {
    if (!(await this.repository.applyValueTier(manager, score, this.config.SERVICE_DESK_VIP_LOYALTY_TIERS)))
      this.logger.debug({ customerId: score.customerId }, 'value tier ignored (unknown customer or not newer)');
    // the customer's open tickets may fall in another cell of the SLA policy now
    else await this.sla.recomputeCustomer(manager, score.customerId, new Date());
  }

  async applyLoyaltyTier(manager: EntityManager, change: { customerId: string; tier: string; at: string }) {
    if (!(await this.repository.applyLoyaltyTier(manager, change, this.config.SERVICE_DESK_VIP_LOYALTY_TIERS)))
      this.logger.debug({ customerId: change.customerId }, 'loyalty tier ignored (unknown customer or not newer)');
    else await this.sla.recomputeCustomer(manager, change.customerId, new Date());
  }

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
