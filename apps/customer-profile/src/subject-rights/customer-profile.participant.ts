import { Injectable } from '@nestjs/common';
import { keysetPages, type SectionData, type SubjectRightsParticipant } from '@rapport/platform-subject-rights';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { toCustomerView } from '../customers/customer.view';
import { CustomersService } from '../customers/customers.service';
import { SubjectRightsRepository } from './subject-rights.repository';

/**
 * customer-profile's section of a subject access export. It decides whether the caller may see the
 * customer at all (row level: 404 otherwise) and follows a merged id to its survivor, whose id the
 * gateway then asks every other service for.
 */
@Injectable()
export class CustomerProfileParticipant implements SubjectRightsParticipant {
  constructor(
    private readonly customers: CustomersService,
    private readonly repository: SubjectRightsRepository,
  ) {}

  async exportSection(customerId: string, caller: CallerIdentity): Promise<SectionData> {
    // The features' own registered sections: consents, duplicate candidates, segment memberships.
    const { customer, sections } = await this.customers.export(customerId, caller);
    const id = customer.id;
    return {
      profile: toCustomerView(customer, caller),
      ...sections,
      purchases: keysetPages<Awaited<ReturnType<SubjectRightsRepository['purchasePage']>>[number]>(
        (after, limit) => this.repository.purchasePage(id, after, limit),
        500,
      ),
      ownershipHistory: await this.repository.ownershipHistory(id),
      lifecycleHistory: await this.repository.lifecycleHistory(id),
    };
  }
}
